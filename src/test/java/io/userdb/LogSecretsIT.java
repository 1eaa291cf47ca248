package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.Md5Crypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a server and the CLI print during a life of sign-ins, failures, password changes,
 * Basic auth and an htpasswd import is searched for every secret that passed through: no password,
 * session token, password hash, session hash or AJP secret may appear.
 */
class LogSecretsIT {

  @TempDir Path work;

  @Test
  void no_password_token_hash_or_secret_reaches_any_log() throws Exception {
    Path db = work.resolve("data/userdb.db");
    List<String> secrets =
        new ArrayList<>(
            List.of(
                "log-admin-password",
                "log-user-password",
                "log-new-password",
                "log-wrong-password",
                "log-imported-password",
                "log-cli-password"));
    List<String> output = new ArrayList<>();
    Path htpasswd = work.resolve("users.htpasswd");
    String imported = Md5Crypt.apr1Crypt("log-imported-password");
    secrets.add(imported);
    Files.writeString(htpasswd, "imported:" + imported + "\n");

    Map<String, String> env = Map.of("USERDB_ADMIN_PASSWORD", "log-admin-password");
    try (UserdbProcess server =
        UserdbProcess.serve(
            work, env, "--db", db.toString(), "--http-port", "0", "--ajp-port", "0")) {
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      String admin = http.login("admin", "log-admin-password");
      secrets.add(admin);
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  json("username", "logan", "password", "log-user-password"),
                  session(admin))
              .status());
      assertEquals(
          401,
          http.send(
                  "POST",
                  "/api/session",
                  json("username", "logan", "password", "log-wrong-password"))
              .status());
      assertEquals(401, http.get("/api/me", basic("logan", "log-wrong-password")).status());
      String user = http.login("logan", "log-user-password");
      secrets.add(user);
      assertEquals(200, http.get("/api/me", basic("logan", "log-user-password")).status());
      assertEquals(
          204,
          http.send(
                  "PUT",
                  "/api/users/logan/password",
                  json("currentPassword", "log-user-password", "password", "log-new-password"),
                  session(user))
              .status());
      secrets.add(http.login("logan", "log-new-password"));
      String stale = "S".repeat(43); // well-formed but unknown: the request goes on as anonymous
      secrets.add(stale);
      assertTrue(http.get("/api/me", session(stale)).status() < 500);
      assertEquals(
          400, http.send("POST", "/api/session", "{\"username\":\"logan\",\"password\":").status());

      UserdbProcess.Run importRun =
          UserdbProcess.run(
              work, Map.of(), null, "import-htpasswd", htpasswd.toString(), "--db", db.toString());
      UserdbProcess.Run addRun =
          UserdbProcess.run(
              work,
              Map.of(),
              "log-cli-password\n",
              "user",
              "add",
              "clio",
              "--password-stdin",
              "--db",
              db.toString());
      UserdbProcess.Run badRun =
          UserdbProcess.run(
              work,
              Map.of(),
              "short\n",
              "user",
              "passwd",
              "clio",
              "--password-stdin",
              "--db",
              db.toString());
      assertEquals(0, importRun.exitCode(), importRun.stderr());
      assertEquals(0, addRun.exitCode(), addRun.stderr());
      for (UserdbProcess.Run run : List.of(importRun, addRun, badRun)) {
        output.add(run.stdout());
        output.add(run.stderr());
      }
      assertEquals(204, http.send("DELETE", "/api/session", null, session(admin)).status());
      secrets.add(Files.readString(work.resolve("data/ajp-secret")).trim());
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT password_hash FROM users")) {
          while (rs.next()) {
            secrets.add(rs.getString(1));
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT token_hash FROM sessions")) {
          while (rs.next()) {
            secrets.add(rs.getString(1));
          }
        }
      }
      assertEquals(0, server.terminate());
      output.add(server.stdout());
      output.add(server.stderr());
    }
    String all = String.join("\n", output);
    assertTrue(all.contains("userdb: http listening"), "the server's output was captured");
    List<String> leaked = secrets.stream().filter(s -> !s.isEmpty() && all.contains(s)).toList();
    assertTrue(leaked.isEmpty(), "secrets in the logs: " + leaked);
    Reports.write(
        "log-secrets.txt",
        "secrets_checked=" + secrets.size() + " log_bytes=" + all.length() + " leaked=0");
  }
}
