package io.userdb;

import static io.userdb.HttpApi.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands as a process, on the database file: they never create one, they refuse to take
 * away the last enabled admin, and {@code user roles} brings back an admin no one can sign in as
 * any more.
 */
class UserCliIT {

  @TempDir Path work;

  @Test
  void admin_commands_refuse_a_missing_database_in_one_line_and_leave_no_file() throws Exception {
    Path db = work.resolve("wrong/path.db");
    Files.writeString(
        work.resolve("users.htpasswd"), "someone:{SHA}2jmj7l5rSw0yVb/vlWAYkK/YBwk=\n");
    List<List<String>> commands =
        List.of(
            List.of("user", "add", "someone", "--password-stdin"),
            List.of("user", "list"),
            List.of("user", "passwd", "someone", "--password-stdin"),
            List.of("user", "delete", "someone"),
            List.of("user", "disable", "someone"),
            List.of("user", "enable", "someone"),
            List.of("user", "roles", "someone", "--role", "admin"),
            List.of("import-htpasswd", work.resolve("users.htpasswd").toString()),
            List.of("backup", work.resolve("backup.db").toString()));
    for (List<String> command : commands) {
      String[] args = concat(command, "--db", db.toString());
      UserdbProcess.Run run = UserdbProcess.run(work, Map.of(), "someone-password\n", args);
      String said = String.join(" ", command) + ": " + run.stderr();
      assertEquals(1, run.exitCode(), said);
      assertEquals(
          "userdb: no database at "
              + db
              + " (start `userdb serve` once to create it, or check --db)",
          run.stderr().strip(),
          said);
      for (String name :
          new String[] {
            "wrong", "wrong/path.db", "wrong/path.db-wal", "wrong/path.db-shm", "backup.db"
          }) {
        assertFalse(Files.exists(work.resolve(name)), name + " left behind by " + said);
      }
    }
  }

  @Test
  void admin_commands_refuse_a_file_that_is_not_a_database_and_leave_it_as_it_was()
      throws Exception {
    Path empty = Files.createFile(work.resolve("empty.db"));
    Files.setPosixFilePermissions(
        empty, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Path text = Files.writeString(work.resolve("notes.txt"), "not a database\n");
    for (Path file : List.of(empty, text)) {
      String before = Files.readString(file);
      UserdbProcess.Run run =
          UserdbProcess.run(
              work,
              Map.of(),
              "mallory-password\n",
              "user",
              "add",
              "mallory",
              "--password-stdin",
              "--db",
              file.toString());
      assertEquals(1, run.exitCode(), run.stderr());
      assertEquals(
          "userdb: "
              + file
              + " is not a userdb database (start `userdb serve` to create one, or check --db)",
          run.stderr().strip());
      assertEquals(before, Files.readString(file), "left as it was");
      assertFalse(Files.exists(Path.of(file + "-wal")), "no WAL beside it");
    }
  }

  @Test
  void user_roles_recovers_an_installation_whose_only_admin_was_disabled_in_sql() throws Exception {
    Path db = FreshDatabase.at(work.resolve("userdb.db"));
    assertEquals(
        0,
        cli(
                "root-password\n",
                "user",
                "add",
                "root",
                "--role",
                "admin",
                "--role",
                "user",
                "--password-stdin",
                "--db",
                db.toString())
            .exitCode());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE users SET disabled = 1 WHERE username = 'root'");
    }
    try (TestServer server = TestServer.start(work, "db", db.toString())) {
      assertFalse(
          server.console().contains("created user 'admin'"),
          "a disabled admin still stops the first-start admin");
      assertEquals(
          401,
          server.http.get("/api/users", basic("root", "root-password")).status(),
          "locked out");

      UserdbProcess.Run roles =
          cli(
              null,
              "user",
              "roles",
              "root",
              "--role",
              "admin",
              "--role",
              "user",
              "--enable",
              "--db",
              db.toString());
      assertEquals(0, roles.exitCode(), roles.stderr());
      assertEquals("user root has the roles admin,user", roles.stdout().strip());
      assertEquals(
          200,
          server.http.get("/api/users", basic("root", "root-password")).status(),
          "an admin again");

      assertEquals(
          0,
          cli(
                  "helper-password\n",
                  "user",
                  "add",
                  "helper",
                  "--password-stdin",
                  "--db",
                  db.toString())
              .exitCode());
      UserdbProcess.Run promote =
          cli(null, "user", "roles", "HELPER", "--role", "admin", "--db", db.toString());
      assertEquals("user helper has the roles admin", promote.stdout().strip(), promote.stderr());
      assertEquals(200, server.http.get("/api/users", basic("helper", "helper-password")).status());
    }
  }

  @Test
  void the_cli_refuses_to_take_away_the_last_enabled_admin_in_one_line() throws Exception {
    Path db = FreshDatabase.at(work.resolve("userdb.db"));
    assertEquals(
        0,
        cli(
                "root-password\n",
                "user",
                "add",
                "root",
                "--role",
                "admin",
                "--password-stdin",
                "--db",
                db.toString())
            .exitCode());
    String refusal =
        "userdb: 'root' is the last enabled admin; make another user admin first (nothing was changed)";
    for (String[] args :
        new String[][] {
          {"user", "roles", "root", "--role", "user"},
          {"user", "disable", "root"},
          {"user", "delete", "root"}
        }) {
      UserdbProcess.Run run = cli(null, concat(List.of(args), "--db", db.toString()));
      assertEquals(1, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
      assertEquals(refusal, run.stderr().strip(), String.join(" ", args));
    }
    UserdbProcess.Run list = cli(null, "user", "list", "--db", db.toString());
    assertTrue(list.stdout().matches("(?s)root +admin +enabled.*"), list.stdout());
    assertEquals(
        2,
        cli(null, "user", "roles", "root", "--db", db.toString()).exitCode(),
        "--role is required");
  }

  private UserdbProcess.Run cli(String stdin, String... args) throws Exception {
    return UserdbProcess.run(work, Map.of(), stdin, args);
  }

  private static String[] concat(List<String> head, String... tail) {
    return java.util.stream.Stream.concat(head.stream(), java.util.stream.Stream.of(tail))
        .toArray(String[]::new);
  }
}
