package io.userdb;

import static io.userdb.ApiAssertions.assertError;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No API request may leave the installation without an enabled admin: demoting, disabling or
 * deleting the last one is refused with 409, even when two admins act at the same moment.
 */
class LastAdminIT {

  @TempDir Path folder;
  TestServer server;
  HttpApi http;
  String admin;

  @BeforeEach
  void start() {
    server = TestServer.start(folder);
    http = server.http;
    admin = http.login("admin", TestServer.ADMIN_PASSWORD);
  }

  @AfterEach
  void stop() throws InterruptedException {
    try {
      assertEquals(0, server.awaitNoneBorrowed(), "objects still borrowed after the test");
    } finally {
      server.close();
    }
  }

  @Test
  void the_only_admin_cannot_demote_disable_or_delete_themselves_and_nothing_changes() {
    Reply demote =
        http.send(
            "PATCH",
            "/api/users/admin",
            json("displayName", "Renamed", "roles", new String[] {"user"}),
            session(admin));
    assertError(demote, 409, "last_admin");
    assertError(
        http.send("PATCH", "/api/users/admin", json("disabled", true), session(admin)),
        409,
        "last_admin");
    assertError(http.send("DELETE", "/api/users/admin", null, session(admin)), 409, "last_admin");

    Reply me = http.get("/api/users/admin", session(admin));
    assertEquals(200, me.status(), "the session still works: the disable was not half done");
    assertTrue(
        me.body().contains("\"admin\"") && !me.body().contains("Renamed"),
        "the refused change rolled back whole: " + me.body());
    assertEquals(
        200,
        http.send("PATCH", "/api/users/admin", json("displayName", "Still Admin"), session(admin))
            .status(),
        "changes that keep the admin go through");
  }

  @Test
  void another_admin_may_be_removed_but_not_the_last_enabled_one() {
    assertError(http.send("DELETE", "/api/users/ADMIN", null, session(admin)), 409, "last_admin");
    createAdmin("second");
    createAdmin("third");
    assertEquals(
        200,
        http.send("PATCH", "/api/users/second", json("disabled", true), session(admin)).status());
    assertEquals(204, http.send("DELETE", "/api/users/third", null, session(admin)).status());
    assertError(
        http.send(
            "PATCH", "/api/users/admin", json("roles", new String[] {"user"}), session(admin)),
        409,
        "last_admin"); // a disabled admin does not count
    assertEquals(
        200,
        http.send("PATCH", "/api/users/second", json("disabled", false), session(admin)).status());
    assertEquals(
        200,
        http.send("PATCH", "/api/users/admin", json("roles", new String[] {"user"}), session(admin))
            .status(),
        "with another enabled admin, this one may step down");
  }

  @Test
  @Timeout(120)
  void two_admins_demoting_each_other_at_once_leave_one_admin_every_time() throws Exception {
    String[] tokens = {
      http.login(createAdmin("alice"), "alice-password"),
      http.login(createAdmin("bob"), "bob-password")
    };
    assertEquals(204, http.send("DELETE", "/api/users/admin", null, session(tokens[0])).status());
    String[] names = {"alice", "bob"};
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 10; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          String token = tokens[i];
          String other = names[1 - i];
          replies.add(
              pool.submit(
                  () -> {
                    go.await();
                    return http.send(
                        "PATCH",
                        "/api/users/" + other,
                        json("roles", new String[] {"user"}),
                        session(token));
                  }));
        }
        go.countDown();
        int demoted = 0;
        for (Future<Reply> reply : replies) {
          Reply r = reply.get(60, TimeUnit.SECONDS);
          assertTrue(
              r.status() == 200 || r.status() == 409 || r.status() == 403,
              "round " + round + ": " + r.status() + " " + r.body());
          demoted += r.status() == 200 ? 1 : 0;
        }
        assertEquals(1, demoted, "round " + round + ": exactly one demotion wins");
        int survivor = isAdmin("alice", tokens[0]) ? 0 : 1;
        assertTrue(
            isAdmin(names[survivor], tokens[survivor]), "round " + round + ": one admin is left");
        assertEquals(
            200,
            http.send(
                    "PATCH",
                    "/api/users/" + names[1 - survivor],
                    json("roles", new String[] {"admin", "user"}),
                    session(tokens[survivor]))
                .status(),
            "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private String createAdmin(String name) {
    Reply reply =
        http.send(
            "POST",
            "/api/users",
            json(
                "username",
                name,
                "password",
                name + "-password",
                "roles",
                new String[] {"admin", "user"}),
            session(admin));
    assertEquals(201, reply.status(), reply.body());
    return name;
  }

  /** Read by the user themselves: anyone may read their own record. */
  private boolean isAdmin(String name, String token) {
    Reply reply = http.get("/api/users/" + name, session(token));
    assertEquals(200, reply.status(), reply.body());
    return reply.body().matches("(?s).*\"roles\":\\[[^]]*\"admin\".*");
  }
}
