package io.userdb;

import static io.userdb.ApiAssertions.assertSessionEnded;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as users run it: first start, restart, SIGTERM, bad configuration. */
class ServeProcessIT {

  @TempDir Path work;

  @Test
  void first_start_creates_admin_and_a_private_secret_and_a_restart_keeps_everything()
      throws Exception {
    Path db = work.resolve("data/userdb.db");
    String adminPassword;
    String token;
    String secret;
    try (UserdbProcess first =
        UserdbProcess.serve(work, Map.of(), "--http-port", "0", "--ajp-port", "0")) {
      Matcher m =
          Pattern.compile("created user 'admin' with password (\\S+)").matcher(first.stdout());
      assertTrue(m.find(), first.stdout());
      adminPassword = m.group(1);
      HttpApi http = new HttpApi("http://127.0.0.1:" + first.httpPort);
      token = http.login("admin", adminPassword);
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "kept", "password", "kept-password"),
                  session(token))
              .status());
      Path secretFile = work.resolve("data/ajp-secret");
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent())));
      secret = Files.readString(secretFile).strip();
      assertTrue(secret.length() >= 43, "a strong secret");
      assertTrue(
          first.stderr().contains(secretFile.toString()), "the log says where the secret is");
      assertEquals(0, first.terminate(), "SIGTERM is a clean stop");
      assertFalse(first.stderr().contains(secret), "the secret is never logged");
      assertFalse(first.stderr().contains(adminPassword), "the admin password is not logged");
      assertFalse(
          first.stderr().contains("WARNING"), "a clean stop warns of nothing: " + first.stderr());
    }
    assertTrue(
        !Files.exists(Path.of(db + "-wal")) || Files.size(Path.of(db + "-wal")) == 0,
        "the WAL was checkpointed on the way out");

    try (UserdbProcess second =
        UserdbProcess.serve(work, Map.of(), "--http-port", "0", "--ajp-port", "0")) {
      assertFalse(second.stdout().contains("created user 'admin'"), "admin is created once");
      assertEquals(
          secret,
          Files.readString(work.resolve("data/ajp-secret")).strip(),
          "the secret is reused");
      HttpApi http = new HttpApi("http://127.0.0.1:" + second.httpPort);
      assertTrue(
          http.get("/api/me", session(token)).body().contains("\"authenticatedBy\":\"session\""),
          "sessions survive a restart");
      assertEquals(
          200,
          http.get("/api/me", basic("kept", "kept-password")).status(),
          "users survive a restart");
      assertEquals(403, AjpClient.send(second.ajpPort, AjpClient.get("/api/me", null)).status());
      assertEquals(200, AjpClient.send(second.ajpPort, AjpClient.get("/api/me", secret)).status());
      assertEquals(0, second.terminate());
    }
  }

  @Test
  void sigterm_lets_a_request_in_flight_finish_then_exits_0() throws Exception {
    try (UserdbProcess server =
        UserdbProcess.serve(
            work,
            Map.of("USERDB_ADMIN_PASSWORD", "drain-admin-password"),
            "--http-port",
            "0",
            "--ajp-port",
            "-1")) {
      byte[] body =
          HttpApi.json("username", "admin", "password", "drain-admin-password")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.httpPort)) {
        socket.setSoTimeout(20_000);
        var out = socket.getOutputStream();
        out.write(
            ("POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(body, 0, 10); // the request is now in flight: its handler waits for the rest
        out.flush();
        Thread.sleep(500);
        server.process.destroy(); // SIGTERM
        Thread.sleep(500);
        assertTrue(server.process.isAlive(), "still draining the request in flight");
        out.write(body, 10, body.length - 10);
        out.flush();
        String answer =
            new String(
                socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      }
      assertTrue(server.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(0, server.process.exitValue());
      assertTrue(server.stdout().contains("userdb: stopped"), server.stdout());
    }
  }

  @Test
  void options_come_from_flags_env_and_a_config_file_in_that_order() throws Exception {
    Path config = work.resolve("userdb.properties");
    Files.writeString(config, "db = from-file.db\nhttp-port = 1\npool-max-total = 3\n");
    Map<String, String> env =
        Map.of(
            "USERDB_HTTP_PORT",
            "0",
            "USERDB_AJP_PORT",
            "-1",
            "USERDB_POOL_MAX_TOTAL",
            "5",
            "USERDB_ADMIN_PASSWORD",
            "env-admin-password");
    try (UserdbProcess p =
        UserdbProcess.serve(
            work,
            env,
            "--config",
            config.toString(),
            "--pool-max-total",
            "6",
            "--ajp-port",
            "-1")) {
      assertTrue(Files.exists(work.resolve("from-file.db")), "db from the file");
      String health = new HttpApi("http://127.0.0.1:" + p.httpPort).get("/health").body();
      assertTrue(health.contains("\"maxTotal\":6"), "the flag beats env and file: " + health);
      assertTrue(p.stdout().contains("with the password from USERDB_ADMIN_PASSWORD"));
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void bad_configuration_exits_at_once_with_one_clear_line() throws Exception {
    Files.writeString(work.resolve("a-file"), "not a folder");
    String[][] cases = {
      {"--no-such-option"},
      {"--http-port", "70000"},
      {"--http-port", "eighty"},
      {"--pool-max-wait", "forever"},
      {"--ajp-secret="},
      {"--db", work.resolve("a-file/sub/userdb.db").toString()},
      {"--http-port", "0", "--http-address", "999.1.1.1"},
      {"--http-port", "0", "--http-address", "no-such-host.invalid"},
      {"--http-port", "0", "--ajp-port", "0", "--ajp-address", "999.1.1.1"},
      {"--http-port", "0", "--ajp-secret", "x"},
      {"--http-port", "0", "--ajp-secret", "31-characters-are-still-too-few"},
      {"--http-port", "0", "--ajp-secret-file", work.resolve("no-such-secret").toString()},
      {"--http-port", "0", "--require-proxy-user"},
      {"--http-port", "0", "--trusted-proxies", "10.0.0.0/8,proxy.example.org"},
      {"--http-port", "0", "--trusted-proxies", "10.0.0.0/33"},
    };
    for (String[] args : cases) {
      UserdbProcess.Run run = UserdbProcess.run(work, Map.of(), null, args);
      assertNotEquals(0, run.exitCode(), String.join(" ", args));
      String[] lines = run.stderr().strip().split("\n");
      assertEquals(1, lines.length, "one line for " + String.join(" ", args) + ": " + run.stderr());
      assertTrue(lines[0].startsWith("userdb: "), lines[0]);
      assertFalse(run.stdout().contains("listening"), "nothing listened");
    }
    Path weakFolder = Files.createDirectories(work.resolve("weak"));
    Files.writeString(weakFolder.resolve("ajp-secret"), "x\n");
    UserdbProcess.Run weakFile =
        UserdbProcess.run(
            work,
            Map.of(),
            null,
            "--http-port",
            "0",
            "--db",
            weakFolder.resolve("userdb.db").toString());
    assertEquals(
        1, weakFile.exitCode(), "a short secret in the generated file is as weak as a short flag");
    assertTrue(weakFile.stderr().contains("shorter than 32"), weakFile.stderr());
    assertTrue(
        lastLine(weakFile).startsWith("userdb: configuration: the AJP secret in "),
        weakFile.stderr());
    assertFalse(weakFile.stdout().contains("listening"), weakFile.stdout());
    Path unreadableFolder =
        Files.createDirectories(work.resolve("unreadable").resolve("ajp-secret"));
    UserdbProcess.Run unreadable =
        UserdbProcess.run(
            work,
            Map.of(),
            null,
            "--http-port",
            "0",
            "--db",
            unreadableFolder.resolveSibling("userdb.db").toString());
    assertEquals(1, unreadable.exitCode(), unreadable.stderr());
    assertTrue(
        lastLine(unreadable)
            .matches("userdb: configuration: cannot read or create the AJP secret file \\S+: .*"),
        "one line naming the file: " + unreadable.stderr());
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      UserdbProcess.Run busy =
          UserdbProcess.run(
              work,
              Map.of(),
              null,
              "--http-port",
              Integer.toString(taken.getLocalPort()),
              "--ajp-port",
              "-1");
      assertEquals(1, busy.exitCode(), busy.stderr());
      assertTrue(
          lastLine(busy).matches("userdb: cannot listen on http 127\\.0\\.0\\.1:\\d+: .*"),
          "a port in use is the user's to fix, said in one line: " + busy.stderr());
    }
    for (UserdbProcess.Run run : List.of(weakFile, unreadable)) {
      assertFalse(
          run.stderr().contains("internal error") || run.stderr().contains("\tat "),
          "no trace: " + run.stderr());
    }
    UserdbProcess.Run emptyEnv =
        UserdbProcess.run(work, Map.of("USERDB_AJP_SECRET", ""), null, "--http-port", "0");
    assertNotEquals(0, emptyEnv.exitCode());
    assertTrue(emptyEnv.stderr().contains("ajp-secret is empty"), emptyEnv.stderr());
    assertEquals(
        2,
        UserdbProcess.run(work, Map.of(), null, "--no-such-option").exitCode(),
        "usage errors exit 2");
  }

  /** The line a failed start ends with, after whatever was logged before it. */
  private static String lastLine(UserdbProcess.Run run) {
    List<String> lines = run.stderr().strip().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  @Test
  void the_ready_line_names_the_address_really_bound() throws Exception {
    try (UserdbProcess p =
        UserdbProcess.serve(
            work,
            Map.of(),
            "--http-address",
            "127.0.0.2",
            "--http-port",
            "0",
            "--ajp-port",
            "-1")) {
      assertTrue(p.stdout().contains("http listening on 127.0.0.2:" + p.httpPort), p.stdout());
      assertEquals(200, new HttpApi("http://127.0.0.2:" + p.httpPort).get("/health").status());
      try (java.net.Socket other = new java.net.Socket()) {
        assertThrows(
            java.io.IOException.class,
            () -> other.connect(new java.net.InetSocketAddress("127.0.0.1", p.httpPort), 1000),
            "bound to 127.0.0.2 only, not to every interface");
      }
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void the_cli_manages_users_in_the_database_of_a_running_server() throws Exception {
    Path db = work.resolve("shared.db");
    Map<String, String> env = Map.of("USERDB_ADMIN_PASSWORD", "cli-admin-password");
    try (UserdbProcess server =
        UserdbProcess.serve(
            work, env, "--db", db.toString(), "--http-port", "0", "--ajp-port", "-1")) {
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      UserdbProcess.Run add =
          UserdbProcess.run(
              work,
              Map.of(),
              "cli-user-password\n",
              "user",
              "add",
              "cli.user",
              "--db",
              db.toString(),
              "--role",
              "user",
              "--display-name",
              "From CLI",
              "--email",
              "cli@example.org",
              "--password-stdin");
      assertEquals(0, add.exitCode(), add.stderr());
      assertEquals(200, http.get("/api/me", basic("cli.user", "cli-user-password")).status());
      String token = http.login("cli.user", "cli-user-password");

      UserdbProcess.Run list =
          UserdbProcess.run(work, Map.of(), null, "user", "list", "--db", db.toString());
      assertEquals(0, list.exitCode());
      assertTrue(
          list.stdout().contains("cli.user") && list.stdout().contains("From CLI"), list.stdout());

      for (int i = 0; i < 2; i++) { // the second from the server's session cache
        assertTrue(http.get("/api/me", session(token)).body().contains("\"cli.user\""));
      }
      assertEquals(
          0,
          UserdbProcess.run(
                  work,
                  Map.of(),
                  "another-password\n",
                  "user",
                  "passwd",
                  "cli.user",
                  "--db",
                  db.toString(),
                  "--password-stdin")
              .exitCode());
      assertEquals(401, http.get("/api/me", basic("cli.user", "cli-user-password")).status());
      assertSessionEnded(http.get("/api/me", session(token))); // passwd ended the session

      assertEquals(
          0,
          UserdbProcess.run(
                  work, Map.of(), null, "user", "disable", "cli.user", "--db", db.toString())
              .exitCode());
      assertEquals(401, http.get("/api/me", basic("cli.user", "another-password")).status());
      assertEquals(
          0,
          UserdbProcess.run(
                  work, Map.of(), null, "user", "enable", "cli.user", "--db", db.toString())
              .exitCode());
      assertEquals(200, http.get("/api/me", basic("cli.user", "another-password")).status());

      Path backup = work.resolve("backup.db");
      UserdbProcess.Run backupRun =
          UserdbProcess.run(
              work, Map.of(), null, "backup", backup.toString(), "--db", db.toString());
      assertEquals(0, backupRun.exitCode(), backupRun.stderr());
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup);
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
          rs.next();
          assertEquals("ok", rs.getString(1));
        }
        try (ResultSet rs =
            s.executeQuery("SELECT count(*) FROM users WHERE username = 'cli.user'")) {
          rs.next();
          assertEquals(1, rs.getInt(1));
        }
      }

      assertEquals(
          0,
          UserdbProcess.run(
                  work, Map.of(), null, "user", "delete", "cli.user", "--db", db.toString())
              .exitCode());
      assertEquals(401, http.get("/api/me", basic("cli.user", "another-password")).status());
      UserdbProcess.Run missing =
          UserdbProcess.run(
              work, Map.of(), null, "user", "delete", "cli.user", "--db", db.toString());
      assertEquals(1, missing.exitCode());
      assertEquals("userdb: no user cli.user", missing.stderr().strip());
      assertEquals(
          2,
          UserdbProcess.run(work, Map.of(), null, "user", "add").exitCode(),
          "missing NAME is usage");
      assertEquals(0, server.terminate());
    }
  }
}
