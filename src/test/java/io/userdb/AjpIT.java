package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.UserStore;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AJP connector over a real socket: the secret is the door (Ghostcat stays shut). */
class AjpIT {

  /** 32 characters at least: userdb refuses shorter secrets. */
  static final String SECRET = "s3cret-for-test-long-enough-to-pass";

  @TempDir Path folder;

  private static AjpClient.Request asProxyUser(
      String method, String uri, String user, Map<String, String> headers) {
    return new AjpClient.Request(
        method, uri, "192.0.2.7", false, SECRET, user, headers, new byte[0]);
  }

  @Test
  void requests_without_the_right_secret_are_refused_and_with_it_served() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0")) {
      int port = server.service().ajpPort();
      String secret = Files.readString(AjpSecrets.fileIn(server.db.getParent())).strip();
      assertEquals(403, AjpClient.send(port, AjpClient.get("/api/me", null)).status());
      assertEquals(403, AjpClient.send(port, AjpClient.get("/api/me", "not-the-secret")).status());
      AjpClient.Response ok = AjpClient.send(port, AjpClient.get("/api/me", secret));
      assertEquals(200, ok.status(), ok.body());
      assertTrue(ok.body().contains("\"authenticatedBy\":\"default\""), ok.body());
    }
  }

  @Test
  void ghostcat_style_request_attributes_are_refused_even_with_the_secret() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", SECRET)) {
      int port = server.service().ajpPort();
      var request = AjpClient.get("/api/me", SECRET);
      for (String attribute :
          List.of(
              "javax.servlet.include.request_uri",
              "jakarta.servlet.include.servlet_path",
              "javax.servlet.include.path_info",
              "anything.else")) {
        AjpClient.Response refused =
            AjpClient.send(port, request, Map.of(attribute, "/WEB-INF/web.xml"));
        assertEquals(403, refused.status(), attribute + ": " + refused.body());
      }
      assertEquals(
          200, AjpClient.send(port, request).status(), "the same request without them is served");
      // The attributes Apache itself sends (mod_proxy_ajp forwards these) are accepted.
      assertEquals(
          200, AjpClient.send(port, request, Map.of("AJP_LOCAL_ADDR", "127.0.0.1")).status());
    }
  }

  @Test
  void remote_user_is_ignored_unless_the_proxy_is_trusted() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", SECRET)) {
      var request =
          new AjpClient.Request(
              "GET", "/api/me", "127.0.0.1", false, SECRET, "admin", Map.of(), new byte[0]);
      AjpClient.Response reply = AjpClient.send(server.service().ajpPort(), request);
      assertEquals(200, reply.status());
      assertTrue(
          reply.body().contains("\"username\":\"guest\""),
          "REMOTE_USER was not trusted: " + reply.body());
    }
  }

  @Test
  void a_trusted_proxy_user_is_mapped_to_their_account() throws Exception {
    try (TestServer server =
        TestServer.start(
            folder, "ajp-port", "0", "ajp-secret", SECRET, "trust-proxy-user", "true")) {
      int port = server.service().ajpPort();
      var asAdmin =
          new AjpClient.Request(
              "GET", "/api/me", "192.0.2.7", false, SECRET, "admin", Map.of(), new byte[0]);
      AjpClient.Response reply = AjpClient.send(port, asAdmin);
      assertEquals(200, reply.status(), reply.body());
      assertTrue(reply.body().contains("\"authenticatedBy\":\"proxy\""), reply.body());
      var stranger =
          new AjpClient.Request(
              "GET", "/api/me", "192.0.2.7", false, SECRET, "nobody", Map.of(), new byte[0]);
      assertEquals(403, AjpClient.send(port, stranger).status());
      // Over plain HTTP nobody can claim to be a proxy user.
      assertTrue(server.http.get("/api/me").body().contains("\"username\":\"guest\""));
    }
  }

  @Test
  void metrics_need_an_admin_when_the_client_is_not_on_loopback() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", SECRET)) {
      var remote =
          new AjpClient.Request(
              "GET", "/metrics", "203.0.113.9", false, SECRET, null, Map.of(), new byte[0]);
      AjpClient.Response reply = AjpClient.send(server.service().ajpPort(), remote);
      assertEquals(401, reply.status(), reply.body());
      assertFalse(reply.body().contains("userdb_pool"));
    }
  }

  @Test
  void a_login_over_tls_at_apache_gets_a_secure_cookie() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", SECRET)) {
      byte[] body =
          HttpApi.json("username", "admin", "password", TestServer.ADMIN_PASSWORD)
              .getBytes(StandardCharsets.UTF_8);
      var login =
          new AjpClient.Request(
              "POST",
              "/api/session",
              "198.51.100.4",
              true,
              SECRET,
              null,
              Map.of("Content-Type", "application/json"),
              body);
      AjpClient.Response reply = AjpClient.send(server.service().ajpPort(), login);
      assertEquals(200, reply.status(), reply.body());
      String cookie = reply.headers().get("Set-Cookie");
      assertTrue(cookie.contains("; Secure"), cookie);
    }
  }

  @Test
  void a_proxy_user_is_matched_by_exact_name_not_ignoring_case() throws Exception {
    try (TestServer server =
        TestServer.start(
            folder, "ajp-port", "0", "ajp-secret", SECRET, "trust-proxy-user", "true")) {
      int port = server.service().ajpPort();
      for (String name : List.of("ADMIN", "Admin", "admin ", "admin\u0000")) {
        AjpClient.Response reply =
            AjpClient.send(port, asProxyUser("GET", "/api/me", name, Map.of()));
        assertEquals(
            403, reply.status(), "Apache's '" + name + "' is not userdb's admin: " + reply.body());
      }
      assertEquals(
          200, AjpClient.send(port, asProxyUser("GET", "/api/me", "admin", Map.of())).status());
    }
  }

  @Test
  void the_user_apache_authenticated_wins_over_an_authorization_header_it_passed_on()
      throws Exception {
    try (TestServer server =
        TestServer.start(
            folder, "ajp-port", "0", "ajp-secret", SECRET, "trust-proxy-user", "true")) {
      String[] wrong = HttpApi.basic("admin", "the-password-apache-checked-not-ours");
      AjpClient.Response reply =
          AjpClient.send(
              server.service().ajpPort(),
              asProxyUser("GET", "/api/me", "admin", Map.of(wrong[0], wrong[1])));
      assertEquals(200, reply.status(), reply.body());
      assertTrue(reply.body().contains("\"authenticatedBy\":\"proxy\""), reply.body());
    }
  }

  @Test
  void with_require_proxy_user_only_health_answers_without_apaches_user() throws Exception {
    try (TestServer server =
        TestServer.start(
            folder,
            "ajp-port",
            "0",
            "ajp-secret",
            SECRET,
            "trust-proxy-user",
            "true",
            "require-proxy-user",
            "true")) {
      int port = server.service().ajpPort();
      assertEquals(200, AjpClient.send(port, AjpClient.get("/health", SECRET)).status());
      for (String uri :
          List.of("/api/me", "/api/users", "/console/", "/metrics", "/health/", "/health;x", "/")) {
        AjpClient.Response refused = AjpClient.send(port, AjpClient.get(uri, SECRET));
        assertTrue(
            refused.status() == 401 || refused.status() == 400,
            uri + ": " + refused.status() + refused.body());
        assertFalse(refused.body().contains("username"), uri + ": " + refused.body());
      }
      AjpClient.Response login =
          AjpClient.send(
              port,
              new AjpClient.Request(
                  "POST",
                  "/api/session",
                  "192.0.2.7",
                  false,
                  SECRET,
                  null,
                  Map.of("Content-Type", "application/json"),
                  HttpApi.json("username", "admin", "password", TestServer.ADMIN_PASSWORD)
                      .getBytes(StandardCharsets.UTF_8)));
      assertEquals(401, login.status(), "no sign-in with userdb's own password: " + login.body());
      assertEquals(
          401,
          server.http.get("/api/me", HttpApi.basic("admin", TestServer.ADMIN_PASSWORD)).status(),
          "nor over the loopback HTTP port, which bypasses Apache");
      assertEquals(
          200, AjpClient.send(port, asProxyUser("GET", "/api/me", "admin", Map.of())).status());
    }
  }

  @Test
  void dot_segments_with_path_parameters_are_refused_on_both_connectors() throws Exception {
    try (TestServer server =
        TestServer.start(folder, "http-port", "0", "ajp-port", "0", "ajp-secret", SECRET)) {
      for (String uri :
          List.of(
              "/health/..;/api/me",
              "/health/%2e%2e;/api/me",
              "/health/.%2e;/api/me",
              "/health/..%3b/api/me")) {
        // 400 where Tomcat sees a dot segment with a parameter; 404 where "..;" is a plain name.
        AjpClient.Response ajp =
            AjpClient.send(server.service().ajpPort(), AjpClient.get(uri, SECRET));
        assertTrue(
            ajp.status() == 400 || ajp.status() == 404,
            "AJP " + uri + ": " + ajp.status() + ajp.body());
        RawResponse http =
            RawResponse.exchange(
                server.service().httpPort(),
                ("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        assertTrue(
            http.status() == 400 || http.status() == 404,
            "HTTP " + uri + ": " + http.status() + http.body());
      }
    }
  }

  @Test
  void the_secret_can_come_from_a_file_and_must_be_long() throws Exception {
    Path file = folder.resolve("secret");
    Files.writeString(file, SECRET + "\n");
    try (TestServer server =
        TestServer.start(folder, "ajp-port", "0", "ajp-secret-file", file.toString())) {
      assertEquals(
          200,
          AjpClient.send(server.service().ajpPort(), AjpClient.get("/health", SECRET)).status());
    }
    Files.writeString(file, "short\n");
    io.userdb.config.ConfigException weak =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.userdb.config.ConfigException.class,
            () -> TestServer.start(folder, "ajp-port", "0", "ajp-secret-file", file.toString()));
    assertTrue(weak.getMessage().contains("shorter than 32"), weak.getMessage());
    assertFalse(weak.getMessage().contains("short\n"), "the secret itself is not in the message");
  }

  @Test
  void a_wrong_secret_is_logged_with_the_peer_once_a_minute_and_never_the_secret()
      throws Exception {
    java.util.List<String> lines =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            lines.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger log =
        java.util.logging.Logger.getLogger("io.userdb.server.RefusedAjpLog");
    log.addHandler(capture);
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", SECRET)) {
      int port = server.service().ajpPort();
      String wrong = "a-guessed-secret-that-must-never-be-logged";
      var forged =
          new AjpClient.Request(
              "GET", "/api/me", "203.0.113.50", false, wrong, null, Map.of(), new byte[0]);
      for (int i = 0; i < 20; i++) {
        assertEquals(403, AjpClient.send(port, forged).status());
      }
      assertEquals(
          200,
          AjpClient.send(port, AjpClient.get("/api/me", SECRET)).status(),
          "a right one is not logged");
      assertEquals(
          201,
          server
              .http
              .send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "uma", "password", "uma-password"),
                  HttpApi.basic("admin", TestServer.ADMIN_PASSWORD))
              .status());
      String[] uma = HttpApi.basic("uma", "uma-password");
      assertEquals(
          403,
          AjpClient.send(
                  port,
                  new AjpClient.Request(
                      "GET",
                      "/api/users",
                      "192.0.2.7",
                      false,
                      SECRET,
                      null,
                      Map.of(uma[0], uma[1]),
                      new byte[0]))
              .status(),
          "nor the API's own 403");
      assertEquals(1, lines.size(), "rate-limited to one line: " + lines);
      assertTrue(
          lines.get(0).contains("from 127.0.0.1"),
          "the socket's peer, not the claimed client: " + lines);
      assertFalse(String.join("\n", lines).contains(wrong), "the offered secret is not logged");
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void a_flood_of_wrong_secrets_is_audited_coalesced_with_the_peer_and_never_the_secret()
      throws Exception {
    String wrong = "a-guessed-secret-that-must-never-be-recorded";
    Path db;
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", SECRET)) {
      db = server.db;
      int port = server.service().ajpPort();
      var forged =
          new AjpClient.Request(
              "GET", "/api/me", "203.0.113.50", false, wrong, null, Map.of(), new byte[0]);
      for (int i = 0; i < 19; i++) {
        assertEquals(403, AjpClient.send(port, forged).status());
      }
      assertEquals(403, AjpClient.send(port, AjpClient.get("/api/me", null)).status());
      assertEquals(200, AjpClient.send(port, AjpClient.get("/api/me", SECRET)).status());
      List<AuditRecord> refused = refusals(server.service().pool());
      assertEquals(1, refused.size(), "the first recorded, the rest held back: " + refused);
      AuditRecord first = refused.get(0);
      assertEquals("authentication", first.category());
      assertEquals("failure", first.outcome());
      assertEquals("anonymous", first.actorName());
      assertEquals(null, first.actorId());
      assertEquals("127.0.0.1", first.clientAddress(), "the socket's peer, not the claimed");
      assertEquals(null, first.targetName());
      assertEquals("{}", first.fields());
    }
    try (UserStore store = SqliteForTests.store(db);
        UserDatabase read = store.open()) {
      List<AuditRecord> all = read.findAudit(AuditQuery.chainAfter(0, 1000));
      List<AuditRecord> refused =
          all.stream().filter(r -> r.action().equals("ajp.request_refused")).toList();
      assertEquals(2, refused.size(), "the rest recorded at stop as one: " + refused);
      assertEquals("{\"suppressed\":18}", refused.get(1).fields(), "1 + 1 + 18 = 20 refusals");
      String text = all.toString();
      assertFalse(text.contains(wrong), "the offered secret is not recorded");
      assertFalse(text.contains(SECRET), "the right secret is not recorded");
    }
  }

  private static List<AuditRecord> refusals(UserDatabasePool pool) {
    try (UserDatabasePool.Access access = pool.access()) {
      return access.db().findAudit(AuditQuery.oldest(null, "ajp.request_refused", null, 0, 1000));
    }
  }
}
