package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL not there at start, and gone while serving: the server waits for it (one log line per
 * interval), answers 503 in JSON and /health DOWN while it is gone, and serves again by itself when
 * it is back, with every acknowledged write kept.
 */
class PostgresOutageIT {

  private static final String ADMIN_PASSWORD = "admin-password-outage-77c2";
  private static final Map<String, String> ENV =
      Map.of(
          "USERDB_DB_PASSWORD", PostgresServer.PASSWORD, "USERDB_ADMIN_PASSWORD", ADMIN_PASSWORD);

  @TempDir Path work;
  PostgresServer pg;

  @AfterEach
  void destroy() {
    if (pg != null) {
      pg.destroy();
    }
  }

  /** A server started while its database's cluster is stopped, once it says it waits. */
  private UserdbProcess serverWaitingForPostgresql() throws Exception {
    pg = PostgresServer.startNew();
    String url = pg.newDatabase();
    pg.stop();
    UserdbProcess server =
        UserdbProcess.launch(work, ENV, "--db", url, "--http-port", "0", "--ajp-port", "-1");
    try {
      server.awaitStderr("waiting for the PostgreSQL database", 30);
      return server;
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
  }

  @Test
  void a_server_waiting_for_postgresql_stops_at_once_when_asked() throws Exception {
    try (UserdbProcess server = serverWaitingForPostgresql()) {
      server.process.destroy(); // SIGTERM, as systemd or compose stop would send
      assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), "stopped while waiting");
      assertEquals(0, server.process.exitValue(), "a requested stop: " + server.stderr());
    }
  }

  @Test
  void the_server_waits_for_postgresql_answers_503_while_it_is_gone_and_recovers_without_a_restart()
      throws Exception {
    try (UserdbProcess server = serverWaitingForPostgresql()) {
      Thread.sleep(12_000); // about a dozen attempts, at one a second
      assertTrue(server.process.isAlive(), "it keeps trying: " + server.stderr());
      long lines =
          server
              .stderr()
              .lines()
              .filter(l -> l.contains("waiting for the PostgreSQL database"))
              .count();
      assertTrue(lines >= 2 && lines <= 3, "one line per 10 s, not one per attempt: " + lines);

      pg.start();
      server.awaitListening();
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      String[] admin = HttpApi.basic("admin", ADMIN_PASSWORD);
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "kept", "password", "kept-password-1234"),
                  admin)
              .status());

      pg.stop();
      HttpApi.Reply down = http.get("/api/users/kept", admin);
      assertEquals(503, down.status(), down.body());
      assertTrue(down.body().startsWith("{") && down.body().contains("\"error\""), down.body());
      assertEquals(503, http.get("/health").status());

      pg.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (http.get("/health").status() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(200, http.get("/health").status(), "back without a restart");
      assertEquals(
          200, http.get("/api/users/kept", admin).status(), "the acknowledged write is there");
      assertEquals(200, http.get("/api/me", HttpApi.basic("kept", "kept-password-1234")).status());
    }
  }
}
