package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.server.AjpSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AJP connector over a real socket: the secret is the door (Ghostcat stays shut). */
class AjpIT {

  @TempDir Path folder;

  @Test
  void requests_without_the_right_secret_are_refused_and_with_it_served() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0")) {
      int port = server.service().ajpPort();
      String secret = Files.readString(AjpSecrets.fileFor(server.db)).strip();
      assertEquals(403, AjpClient.send(port, AjpClient.get("/api/me", null)).status());
      assertEquals(403, AjpClient.send(port, AjpClient.get("/api/me", "not-the-secret")).status());
      AjpClient.Response ok = AjpClient.send(port, AjpClient.get("/api/me", secret));
      assertEquals(200, ok.status(), ok.body());
      assertTrue(ok.body().contains("\"authenticatedBy\":\"default\""), ok.body());
    }
  }

  @Test
  void ghostcat_style_request_attributes_are_refused_even_with_the_secret() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", "s3cret-for-test")) {
      int port = server.service().ajpPort();
      var request = AjpClient.get("/api/me", "s3cret-for-test");
      for (String attribute : List.of("javax.servlet.include.request_uri", "jakarta.servlet.include.servlet_path",
          "javax.servlet.include.path_info", "anything.else")) {
        AjpClient.Response refused = AjpClient.send(port, request, Map.of(attribute, "/WEB-INF/web.xml"));
        assertEquals(403, refused.status(), attribute + ": " + refused.body());
      }
      assertEquals(200, AjpClient.send(port, request).status(), "the same request without them is served");
      // The attributes Apache itself sends (mod_proxy_ajp forwards these) are accepted.
      assertEquals(200, AjpClient.send(port, request, Map.of("AJP_LOCAL_ADDR", "127.0.0.1")).status());
    }
  }

  @Test
  void remote_user_is_ignored_unless_the_proxy_is_trusted() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", "s3cret-for-test")) {
      var request = new AjpClient.Request("GET", "/api/me", "127.0.0.1", false, "s3cret-for-test", "admin", Map.of(),
          new byte[0]);
      AjpClient.Response reply = AjpClient.send(server.service().ajpPort(), request);
      assertEquals(200, reply.status());
      assertTrue(reply.body().contains("\"username\":\"guest\""), "REMOTE_USER was not trusted: " + reply.body());
    }
  }

  @Test
  void a_trusted_proxy_user_is_mapped_to_their_account() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", "s3cret-for-test",
        "trust-proxy-user", "true")) {
      int port = server.service().ajpPort();
      var asAdmin = new AjpClient.Request("GET", "/api/me", "192.0.2.7", false, "s3cret-for-test", "admin", Map.of(),
          new byte[0]);
      AjpClient.Response reply = AjpClient.send(port, asAdmin);
      assertEquals(200, reply.status(), reply.body());
      assertTrue(reply.body().contains("\"authenticatedBy\":\"proxy\""), reply.body());
      var stranger = new AjpClient.Request("GET", "/api/me", "192.0.2.7", false, "s3cret-for-test", "nobody",
          Map.of(), new byte[0]);
      assertEquals(403, AjpClient.send(port, stranger).status());
      // Over plain HTTP nobody can claim to be a proxy user.
      assertTrue(server.http.get("/api/me").body().contains("\"username\":\"guest\""));
    }
  }

  @Test
  void metrics_need_an_admin_when_the_client_is_not_on_loopback() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", "s3cret-for-test")) {
      var remote = new AjpClient.Request("GET", "/metrics", "203.0.113.9", false, "s3cret-for-test", null, Map.of(),
          new byte[0]);
      AjpClient.Response reply = AjpClient.send(server.service().ajpPort(), remote);
      assertEquals(401, reply.status(), reply.body());
      assertFalse(reply.body().contains("userdb_pool"));
    }
  }

  @Test
  void a_login_over_tls_at_apache_gets_a_secure_cookie() throws Exception {
    try (TestServer server = TestServer.start(folder, "ajp-port", "0", "ajp-secret", "s3cret-for-test")) {
      byte[] body = HttpApi.json("username", "admin", "password", TestServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8);
      var login = new AjpClient.Request("POST", "/api/session", "198.51.100.4", true, "s3cret-for-test", null,
          Map.of("Content-Type", "application/json"), body);
      AjpClient.Response reply = AjpClient.send(server.service().ajpPort(), login);
      assertEquals(200, reply.status(), reply.body());
      String cookie = reply.headers().get("Set-Cookie");
      assertTrue(cookie.contains("; Secure"), cookie);
    }
  }
}
