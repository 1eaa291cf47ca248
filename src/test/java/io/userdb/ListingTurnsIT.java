package io.userdb;

import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings taking turns over HTTP, on the setup where a listing that waited for its turn while
 * holding an object would deadlock: one object, and session checks of which some borrow it (a look
 * at SQLite every 5 ms) and some do not. A listing whose check borrowed would hold the object while
 * waiting for the turn, held by one whose check did not, which waits for the object until max-wait
 * answers 503. With that release removed from CostlyQueries this test failed in both of two runs.
 */
class ListingTurnsIT {

  static final int CLIENTS = 8;
  static final int LISTINGS_EACH = 25;

  @TempDir Path folder;

  @Test
  @Timeout(120)
  void concurrent_listings_on_one_object_all_succeed() throws Exception {
    try (TestServer server =
        TestServer.start(
            folder,
            "pool-max-total",
            "1",
            "change-check-interval",
            "5ms",
            "max-concurrent-listings",
            "1")) {
      String admin = server.http.login("admin", TestServer.ADMIN_PASSWORD);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<List<Integer>>> statuses = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          statuses.add(
              clients.submit(
                  () -> {
                    List<Integer> mine = new ArrayList<>();
                    for (int i = 0; i < LISTINGS_EACH; i++) {
                      Reply reply =
                          server.http.send("GET", "/api/users?limit=100", null, session(admin));
                      mine.add(reply.status());
                    }
                    return mine;
                  }));
        }
        for (Future<List<Integer>> client : statuses) {
          for (int status : client.get(100, TimeUnit.SECONDS)) {
            assertEquals(
                200,
                status,
                "a listing was refused: it waited for its turn holding the only object?");
          }
        }
      } finally {
        clients.shutdownNow();
      }
    }
  }
}
