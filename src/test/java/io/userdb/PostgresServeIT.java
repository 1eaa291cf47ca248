package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server and CLI on a real PostgreSQL: {@code --db} takes the URL, the password comes
 * from the environment, and two backends on one database see each other's writes.
 */
class PostgresServeIT {

  private static final String ADMIN_PASSWORD = "admin-password-pg-5e1f";

  @TempDir Path work;

  @Test
  void two_backends_on_one_database_share_users_and_sessions_and_the_cli_works_on_it()
      throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.newDatabase();
    Map<String, String> env =
        Map.of(
            "USERDB_DB_PASSWORD", PostgresServer.PASSWORD, "USERDB_ADMIN_PASSWORD", ADMIN_PASSWORD);
    try (UserdbProcess a =
            UserdbProcess.serve(work, env, "--db", url, "--http-port", "0", "--ajp-port", "-1");
        UserdbProcess b =
            UserdbProcess.serve(work, env, "--db", url, "--http-port", "0", "--ajp-port", "-1")) {
      HttpApi first = new HttpApi("http://127.0.0.1:" + a.httpPort);
      HttpApi second = new HttpApi("http://127.0.0.1:" + b.httpPort);
      assertEquals(200, second.get("/health").status());

      String[] admin = HttpApi.basic("admin", ADMIN_PASSWORD);
      assertEquals(
          201,
          first
              .send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "pat", "password", "pat-password-1234"),
                  admin)
              .status());
      assertEquals(
          409,
          second
              .send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "PAT", "password", "pat-password-1234"),
                  admin)
              .status(),
          "names are unique across backends, in any letter case");

      String token = first.login("pat", "pat-password-1234");
      assertEquals(
          200,
          second.get("/api/me", HttpApi.session(token)).status(),
          "a session made on one works on the other");
      assertEquals(
          204, second.send("DELETE", "/api/session", null, HttpApi.session(token)).status());
      assertEquals(
          401,
          first.get("/api/me", HttpApi.session(token)).status(),
          "signed out on one, ended on the other");

      UserdbProcess.Run list = UserdbProcess.run(work, env, null, "user", "list", "--db", url);
      assertEquals(0, list.exitCode(), list.stderr());
      assertTrue(list.stdout().contains("pat"), list.stdout());

      UserdbProcess.Run backup =
          UserdbProcess.run(
              work, env, null, "backup", work.resolve("out.db").toString(), "--db", url);
      assertEquals(1, backup.exitCode());
      assertTrue(backup.stderr().contains("pg_dump"), backup.stderr());

      assertEquals(0, b.terminate(), "a clean stop");
      assertFalse(
          b.stderr().contains("WARNING"), "no warning at stop (a listener thread): " + b.stderr());
      for (String log :
          new String[] {
            a.stdout(), a.stderr(), b.stdout(), b.stderr(), list.stderr(), backup.stderr()
          }) {
        assertFalse(log.contains(PostgresServer.PASSWORD), "the database password is never logged");
      }
    }
  }

  @Test
  void a_password_in_the_url_or_a_missing_one_is_refused_with_one_line() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.newDatabase();
    UserdbProcess.Run inUrl =
        UserdbProcess.run(
            work,
            Map.of(),
            null,
            "user",
            "list",
            "--db",
            url + "&password=" + PostgresServer.PASSWORD);
    assertEquals(1, inUrl.exitCode());
    assertTrue(inUrl.stderr().contains("USERDB_DB_PASSWORD"), inUrl.stderr());
    assertFalse(inUrl.stderr().contains(PostgresServer.PASSWORD), inUrl.stderr());

    UserdbProcess.Run none = UserdbProcess.run(work, Map.of(), null, "user", "list", "--db", url);
    assertEquals(1, none.exitCode());
    assertEquals(1, none.stderr().strip().lines().count(), none.stderr());
  }
}
