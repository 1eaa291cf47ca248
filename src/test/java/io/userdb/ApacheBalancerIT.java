package io.userdb;

import static io.userdb.ApiAssertions.body;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two backends on one SQLite file behind Apache's balancer: both serve, sessions work across them,
 * and when one is killed under load the other takes over with no acknowledged write lost.
 */
class ApacheBalancerIT {

  static final int CLIENTS = 4;
  static final long RUN_MILLIS = 9_000;
  static final long KILL_AT_MILLIS = 3_000;
  static final long FAILOVER_WINDOW_MILLIS = 4_000;

  @TempDir Path work;

  record Outcome(long atMillis, int status, String detail) {}

  @Test
  @Timeout(180)
  void two_backends_share_the_load_and_survive_losing_one() throws Exception {
    ApacheHttpd.binary();
    Path db = work.resolve("shared/userdb.db");
    Map<String, String> env = Map.of("USERDB_ADMIN_PASSWORD", "balancer-admin-password");
    try (UserdbProcess node1 =
            UserdbProcess.serve(
                work,
                env,
                "--db",
                db.toString(),
                "--http-port",
                "-1",
                "--ajp-port",
                "0",
                "--jvm-route",
                "node1");
        UserdbProcess node2 =
            UserdbProcess.serve(
                work,
                env,
                "--db",
                db.toString(),
                "--http-port",
                "-1",
                "--ajp-port",
                "0",
                "--jvm-route",
                "node2");
        ApacheHttpd apache =
            ApacheHttpd.start(
                work,
                Map.of(
                    "USERDB_AJP_1",
                    "127.0.0.1:" + node1.ajpPort,
                    "USERDB_AJP_2",
                    "127.0.0.1:" + node2.ajpPort),
                List.of("USERDB_BALANCER"),
                Files.readString(db.resolveSibling("ajp-secret")).strip())) {
      HttpApi http = apache.http();

      Set<String> routes = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        Reply health = http.get("/health");
        assertEquals(200, health.status(), health.body() + apache.logs());
        routes.add(health.header("X-Userdb-Route").orElse("?"));
      }
      assertEquals(Set.of("node1", "node2"), routes, "requests reach both backends");

      String admin = http.login("admin", "balancer-admin-password");
      Set<String> servedSession = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        Reply me = http.get("/api/me", session(admin));
        assertEquals("session", body(me).path("authenticatedBy").asText());
        servedSession.add(me.header("X-Userdb-Route").orElse("?"));
      }
      assertEquals(
          Set.of("node1", "node2"),
          servedSession,
          "a session made through one is valid through the other");

      String[] tokens = new String[CLIENTS];
      for (int c = 0; c < CLIENTS; c++) {
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "w" + c, "password", "writer-password"),
                    session(admin))
                .status());
        tokens[c] = http.login("w" + c, "writer-password");
      }

      // Bounded load: each client writes a rising counter into its own display name.
      ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
      int[] lastAcked = new int[CLIENTS];
      long start = System.nanoTime();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        lastAcked[c] = -1;
        futures.add(
            clients.submit(
                () -> {
                  for (int i = 0; i < 5_000 && millisSince(start) < RUN_MILLIS; i++) {
                    Reply reply;
                    try {
                      reply =
                          http.send(
                              "PATCH",
                              "/api/users/w" + client,
                              json("displayName", "n=" + i),
                              session(tokens[client]));
                    } catch (AssertionError e) {
                      outcomes.add(new Outcome(millisSince(start), -1, e.getMessage()));
                      continue;
                    }
                    outcomes.add(new Outcome(millisSince(start), reply.status(), reply.body()));
                    if (reply.status() == 200) {
                      lastAcked[client] = i;
                    }
                  }
                  return null;
                }));
      }
      Thread.sleep(KILL_AT_MILLIS);
      long killedAt = millisSince(start);
      node1.process.destroyForcibly(); // SIGKILL
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      clients.shutdown();

      List<Outcome> failedBeforeKill = new ArrayList<>();
      List<Outcome> failedAfterWindow = new ArrayList<>();
      int succeededAfterWindow = 0;
      for (Outcome o : outcomes) {
        boolean ok = o.status() == 200;
        if (!ok && o.atMillis() < killedAt) {
          failedBeforeKill.add(o);
        }
        if (o.atMillis() > killedAt + FAILOVER_WINDOW_MILLIS) {
          if (ok) {
            succeededAfterWindow++;
          } else {
            failedAfterWindow.add(o);
          }
        }
      }
      assertEquals(List.of(), failedBeforeKill);
      assertEquals(
          List.of(), failedAfterWindow, "every request succeeds after the failover window");
      assertTrue(succeededAfterWindow > 0, "load kept running after the window");

      for (int c = 0; c < CLIENTS; c++) {
        Reply user = http.get("/api/users/w" + c, basic("admin", "balancer-admin-password"));
        assertEquals(200, user.status(), user.body());
        assertEquals("node2", user.header("X-Userdb-Route").orElse(""), "the survivor answers");
        int stored = Integer.parseInt(body(user).path("displayName").asText().substring(2));
        assertTrue(
            stored >= lastAcked[c],
            "client " + c + ": acknowledged n=" + lastAcked[c] + " but found n=" + stored);
      }
      System.out.printf(
          "balancer failover: %d requests, %d failed around the kill, %d after the window%n",
          outcomes.size(),
          outcomes.stream().filter(o -> o.status() != 200).count(),
          failedAfterWindow.size());
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
