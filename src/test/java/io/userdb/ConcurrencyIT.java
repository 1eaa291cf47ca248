package io.userdb;

import static io.userdb.ApiAssertions.body;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 clients x 300 mixed requests (reads, profile writes, user creation, listings) against a pool
 * of 4: no 5xx (no "database is locked" reaches a client) and every acknowledged write is there at
 * the end, exactly.
 */
class ConcurrencyIT {

  static final int CLIENTS = 32;
  static final int REQUESTS = 300;

  @TempDir Path folder;

  @Test
  @Timeout(300)
  void mixed_load_on_a_small_pool_loses_nothing_and_never_fails() throws Exception {
    try (TestServer server = TestServer.start(folder, "pool-max-total", "4")) {
      HttpApi http = server.http;
      String[] admin = basic("admin", TestServer.ADMIN_PASSWORD);
      String[] tokens = new String[CLIENTS];
      for (int t = 0; t < CLIENTS; t++) {
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "t" + t, "password", "client-password"),
                    admin)
                .status());
        tokens[t] = http.login("t" + t, "client-password");
      }
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger created = new AtomicInteger();
      String[] lastName = new String[CLIENTS];
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  String[] me = session(tokens[client]);
                  for (int i = 0; i < REQUESTS; i++) {
                    Reply reply;
                    int expected = 200;
                    switch (i % 6) {
                      case 0 -> {
                        if (i % 60 == 0) {
                          reply =
                              http.send(
                                  "POST",
                                  "/api/users",
                                  json(
                                      "username",
                                      "c" + client + "-" + i,
                                      "password",
                                      "created-password"),
                                  admin);
                          expected = 201;
                        } else {
                          reply = http.get("/api/users?q=t" + client + "&limit=5", admin);
                        }
                      }
                      case 1, 4 -> {
                        String name = "client " + client + " write " + i;
                        reply =
                            http.send(
                                "PATCH", "/api/users/t" + client, json("displayName", name), me);
                        if (reply.status() == 200) {
                          lastName[client] = name;
                        }
                      }
                      case 2 -> reply = http.get("/api/users/t" + client, me);
                      default -> reply = http.get("/api/me", me);
                    }
                    if (reply.status() != expected) {
                      failures.add(
                          "client "
                              + client
                              + " request "
                              + i
                              + ": "
                              + reply.status()
                              + " "
                              + reply.body());
                    } else if (expected == 201) {
                      created.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (var future : futures) {
        future.get(240, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertEquals(List.of(), new ArrayList<>(failures), "every request answered as expected");
      assertEquals(CLIENTS * (REQUESTS / 60), created.get());

      JsonNode all = body(http.get("/api/users?limit=500", admin));
      assertEquals(
          1 + CLIENTS + created.get(),
          all.path("total").asInt(),
          "every acknowledged create is stored");
      for (int t = 0; t < CLIENTS; t++) {
        JsonNode user = body(http.get("/api/users/t" + t, admin));
        assertEquals(
            lastName[t],
            user.path("displayName").asText(),
            "the last acknowledged write of client " + t);
      }
      assertEquals(0, server.awaitNoneBorrowed());
      assertEquals(4, server.service().pool().stats().maxTotal());
    }
  }
}
