package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Two backends on one PostgreSQL database, each answering sessions and Basic credentials from
 * memory: a change made through one is seen by the other on its next request, heard through
 * LISTEN/NOTIFY; while the other's listener is down it reads the database instead.
 */
class PostgresChangeNoticesIT {

  private static final String ADMIN_PASSWORD = "admin-password-notices-41d0";
  private static final Map<String, String> ENV =
      Map.of(
          "USERDB_DB_PASSWORD", PostgresServer.PASSWORD, "USERDB_ADMIN_PASSWORD", ADMIN_PASSWORD);

  @TempDir Path work;

  @Test
  void
      sign_out_password_role_disable_and_delete_on_one_backend_reach_the_other_at_its_next_request()
          throws Exception {
    String url = PostgresServer.shared().newDatabase();
    // 0ms: every request asks the listener (one shared round trip), so "next request" is exact.
    String[] args = {
      "--db", url, "--http-port", "0", "--ajp-port", "-1", "--change-check-interval", "0ms"
    };
    try (UserdbProcess a = UserdbProcess.serve(work, ENV, args);
        UserdbProcess b = UserdbProcess.serve(work, ENV, args)) {
      HttpApi one = new HttpApi("http://127.0.0.1:" + a.httpPort);
      HttpApi other = new HttpApi("http://127.0.0.1:" + b.httpPort);
      String[] admin = HttpApi.basic("admin", ADMIN_PASSWORD);
      for (String name : new String[] {"quinn", "rosa"}) {
        assertEquals(
            201,
            one.send(
                    "POST",
                    "/api/users",
                    HttpApi.json("username", name, "password", name + "-password-1"),
                    admin)
                .status());
      }
      for (int round = 0;
          round < 5;
          round++) { // each round, the other backend has it all cached first
        String token = other.login("quinn", "quinn-password-1");
        assertEquals(200, other.get("/api/me", HttpApi.session(token)).status());
        assertEquals(200, other.get("/api/me", HttpApi.session(token)).status());
        assertEquals(
            204, one.send("DELETE", "/api/session", null, HttpApi.session(token)).status());
        assertEquals(
            401, other.get("/api/me", HttpApi.session(token)).status(), "sign-out, round " + round);
      }
      String metrics = other.get("/metrics").body();
      double hits =
          metrics
              .lines()
              .filter(l -> l.startsWith("userdb_session_cache_total{result=\"hit\""))
              .findFirst()
              .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .orElse(0.0);
      assertTrue(
          hits >= 3, "the other backend did answer from memory meanwhile (5 rounds): " + hits);

      String[] rosaOld = HttpApi.basic("rosa", "rosa-password-1");
      assertEquals(200, other.get("/api/me", rosaOld).status());
      assertEquals(
          204,
          one.send(
                  "PUT",
                  "/api/users/rosa/password",
                  HttpApi.json("password", "rosa-password-2"),
                  admin)
              .status());
      assertEquals(401, other.get("/api/me", rosaOld).status(), "old password after a change");
      String[] rosa = HttpApi.basic("rosa", "rosa-password-2");
      assertTrue(!other.get("/api/me", rosa).body().contains("admin"), "roles before");
      assertEquals(
          200,
          one.send(
                  "PATCH",
                  "/api/users/rosa",
                  HttpApi.json("roles", new String[] {"user", "admin"}),
                  admin)
              .status());
      assertTrue(other.get("/api/me", rosa).body().contains("admin"), "role change");
      String rosaSession = other.login("rosa", "rosa-password-2");
      assertEquals(200, other.get("/api/me", HttpApi.session(rosaSession)).status());
      assertEquals(
          200,
          one.send("PATCH", "/api/users/rosa", HttpApi.json("disabled", true), admin).status());
      assertEquals(401, other.get("/api/me", rosa).status(), "disabled: Basic");
      assertEquals(
          401, other.get("/api/me", HttpApi.session(rosaSession)).status(), "disabled: session");
      assertEquals(
          200,
          one.send("PATCH", "/api/users/rosa", HttpApi.json("disabled", false), admin).status());
      assertEquals(200, other.get("/api/me", rosa).status());
      assertEquals(204, one.send("DELETE", "/api/users/rosa", null, admin).status());
      assertEquals(401, other.get("/api/me", rosa).status(), "deleted");
    }
  }

  @Test
  void at_the_default_interval_under_load_a_sign_out_reaches_the_other_backend_within_it()
      throws Exception {
    String url = PostgresServer.shared().newDatabase();
    // The default 10 ms: the listener looks ahead of the requests a busy backend serves.
    String[] args = {"--db", url, "--http-port", "0", "--ajp-port", "-1"};
    try (UserdbProcess a = UserdbProcess.serve(work, ENV, args);
        UserdbProcess b = UserdbProcess.serve(work, ENV, args)) {
      HttpApi one = new HttpApi("http://127.0.0.1:" + a.httpPort);
      HttpApi other = new HttpApi("http://127.0.0.1:" + b.httpPort);
      String[] admin = HttpApi.basic("admin", ADMIN_PASSWORD);
      assertEquals(
          201,
          one.send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "sage", "password", "sage-password-1"),
                  admin)
              .status());
      String busy = other.login("admin", ADMIN_PASSWORD);
      AtomicBoolean loading = new AtomicBoolean(true);
      Thread load =
          new Thread(
              () -> {
                try {
                  while (loading.get()) {
                    other.get("/api/me", HttpApi.session(busy));
                  }
                } catch (Exception e) {
                  // the test ends the server under it
                }
              });
      load.start();
      try {
        for (int round = 0; round < 10; round++) {
          String token = other.login("sage", "sage-password-1");
          assertEquals(200, other.get("/api/me", HttpApi.session(token)).status());
          assertEquals(200, other.get("/api/me", HttpApi.session(token)).status());
          assertEquals(
              204, one.send("DELETE", "/api/session", null, HttpApi.session(token)).status());
          Thread.sleep(20); // past the 10 ms interval
          assertEquals(
              401, other.get("/api/me", HttpApi.session(token)).status(), "round " + round);
        }
      } finally {
        loading.set(false);
        load.join(10_000);
      }
    }
  }

  @Test
  void while_the_listener_is_down_the_database_is_read_and_it_comes_back_by_itself()
      throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.newDatabase();
    String[] args = {"--db", url, "--http-port", "0", "--ajp-port", "-1"};
    try (UserdbProcess a = UserdbProcess.serve(work, ENV, args);
        UserdbProcess b = UserdbProcess.serve(work, ENV, args)) {
      HttpApi one = new HttpApi("http://127.0.0.1:" + a.httpPort);
      HttpApi other = new HttpApi("http://127.0.0.1:" + b.httpPort);
      String[] admin = HttpApi.basic("admin", ADMIN_PASSWORD);
      assertEquals(200, other.get("/api/me", admin).status());
      String database = PostgresServer.databaseName(url);
      pg.superuser(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
              + database
              + "' AND application_name = 'userdb-listener'");
      b.awaitStderr("lost the connection that hears other backends' changes", 10);

      String token = other.login("admin", ADMIN_PASSWORD);
      assertEquals(200, other.get("/api/me", HttpApi.session(token)).status());
      assertEquals(204, one.send("DELETE", "/api/session", null, HttpApi.session(token)).status());
      assertEquals(
          401,
          other.get("/api/me", HttpApi.session(token)).status(),
          "read from the database meanwhile");

      b.awaitStderr("change notices from PostgreSQL are back", 10);
      assertTrue(
          b.stderr().lines().filter(l -> l.contains("lost the connection that hears")).count() == 1,
          "said once: " + b.stderr());
    }
  }

  @Test
  void session_touches_are_not_announced_and_a_session_used_elsewhere_is_not_refused_as_idle()
      throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.newDatabase();
    // A 4 s idle timeout: sessions are touched once a second of use.
    String[] args = {
      "--db", url, "--http-port", "0", "--ajp-port", "-1", "--session-idle-timeout", "4s"
    };
    Properties login = new Properties();
    login.setProperty("password", PostgresServer.PASSWORD);
    try (UserdbProcess a = UserdbProcess.serve(work, ENV, args);
        UserdbProcess b = UserdbProcess.serve(work, ENV, args);
        Connection listener = DriverManager.getConnection(url, login)) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN userdb_changes");
      }
      PGConnection notices = listener.unwrap(PGConnection.class);
      HttpApi one = new HttpApi("http://127.0.0.1:" + a.httpPort);
      HttpApi other = new HttpApi("http://127.0.0.1:" + b.httpPort);
      String token = one.login("admin", ADMIN_PASSWORD);
      assertTrue(notices.getNotifications(5000).length > 0, "a sign-in is announced");
      assertEquals(
          200,
          other.get("/api/me", HttpApi.session(token)).status()); // cached on the other backend

      for (int i = 0; i < 5; i++) { // 6 s of use on one backend only: past the idle timeout
        Thread.sleep(1200);
        assertEquals(200, one.get("/api/me", HttpApi.session(token)).status());
      }
      PGNotification[] heard = notices.getNotifications(500);
      assertTrue(heard == null || heard.length == 0, "touches are not announced");
      assertEquals(
          200,
          other.get("/api/me", HttpApi.session(token)).status(),
          "the other backend's copy looked idle: it read the session again before refusing");
      assertEquals(204, one.send("DELETE", "/api/session", null, HttpApi.session(token)).status());
      assertTrue(notices.getNotifications(5000).length > 0, "a sign-out is announced");
    }
  }
}
