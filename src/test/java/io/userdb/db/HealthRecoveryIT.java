package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi;
import io.userdb.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health follows the database: DOWN while its file is gone, UP again once it is back. */
class HealthRecoveryIT {

  @TempDir Path folder;

  @Test
  void health_is_down_while_the_file_is_missing_and_recovers_by_itself() throws Exception {
    try (TestServer server = TestServer.start(folder)) {
      HttpApi http = server.http;
      assertEquals(200, http.get("/health").status());
      closeEveryPooledConnection(server.service().pool());
      Path db = server.db;
      Path aside = folder.resolve("moved-aside.db");
      Files.move(db, aside);

      HttpApi.Reply down = http.get("/health");
      assertEquals(503, down.status(), down.body());
      assertTrue(down.body().contains("\"status\":\"DOWN\""), down.body());
      HttpApi.Reply request = http.get("/api/me", HttpApi.basic("admin", TestServer.ADMIN_PASSWORD));
      assertEquals(503, request.status());
      assertTrue(request.body().contains("database_unavailable"), request.body());
      assertFalse(Files.exists(db), "no empty database was created in its place");

      Files.move(aside, db);
      assertEquals(200, http.get("/health").status(), "recovers without a restart");
      assertEquals(200, http.get("/api/me", HttpApi.basic("admin", TestServer.ADMIN_PASSWORD)).status());
    }
  }

  /** Every idle object's connection dies underneath it, as after an I/O failure. */
  private static void closeEveryPooledConnection(UserDatabasePool pool) throws Exception {
    List<UserDatabasePool.Lease> leases = new ArrayList<>();
    while (pool.stats().idle() > 0) {
      leases.add(pool.borrow());
    }
    for (UserDatabasePool.Lease lease : leases) {
      ((SqliteUserDatabase) lease.db()).connection().close();
      lease.close();
    }
  }
}
