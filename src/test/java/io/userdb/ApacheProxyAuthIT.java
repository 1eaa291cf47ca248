package io.userdb;

import static io.userdb.ApiAssertions.body;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy-authentication variant: Apache checks Basic credentials against an htpasswd file and
 * userdb takes the name it sends over AJP, only with --trust-proxy-user.
 */
class ApacheProxyAuthIT {

  private static final String[] APACHE_ADMIN = basic("admin", ProxyAuthStack.APACHE_PASSWORD);
  private static final String[] APACHE_PAT = basic("pat", ProxyAuthStack.APACHE_PASSWORD);

  @TempDir Path work;

  private static void createPat(HttpApi http, String[] asAdmin) {
    Reply created =
        http.send(
            "POST",
            "/api/users",
            json("username", "pat", "password", "userdb-own-password", "displayName", "Pat"),
            asAdmin);
    assertEquals(201, created.status(), created.body());
  }

  @Test
  void the_user_apache_authenticated_is_the_caller_when_trusted() throws Exception {
    try (ProxyAuthStack stack =
        ProxyAuthStack.start(work, "trust-proxy-user", "true", "require-proxy-user", "true")) {
      HttpApi http = stack.http();
      createPat(http, APACHE_ADMIN); // userdb's admin, as Apache signed them in
      Reply me = http.get("/api/me", APACHE_PAT);
      assertEquals(200, me.status(), me.body() + stack.apache.logs());
      assertEquals("pat", body(me).path("username").asText());
      assertEquals("proxy", body(me).path("authenticatedBy").asText());
      assertEquals("Pat", body(me).path("displayName").asText(), "mapped to userdb's own record");

      Reply refused = http.get("/api/me", basic("pat", "wrong-password"));
      assertEquals(401, refused.status());
      assertTrue(
          refused.header("Content-Type").orElse("").startsWith("application/json"),
          "Apache's 401 is JSON too");
      assertEquals("authentication_required", body(refused).path("error").asText());
      assertEquals(
          401,
          http.get("/api/me", basic("pat", "userdb-own-password")).status(),
          "userdb's own password is not Apache's");
      assertEquals(200, http.get("/health").status(), "health stays open for monitors");
    }
  }

  @Test
  void apaches_user_name_in_another_case_is_not_userdbs_user() throws Exception {
    try (ProxyAuthStack stack =
        ProxyAuthStack.start(work, "trust-proxy-user", "true", "require-proxy-user", "true")) {
      Reply upper = stack.http().get("/api/me", basic("ADMIN", ProxyAuthStack.APACHE_PASSWORD));
      assertEquals(403, upper.status(), "htpasswd's ADMIN is not userdb's admin: " + upper.body());
      Reply list = stack.http().get("/api/users", basic("ADMIN", ProxyAuthStack.APACHE_PASSWORD));
      assertEquals(403, list.status(), list.body());
    }
  }

  @Test
  void without_trust_the_name_apache_sends_is_ignored() throws Exception {
    try (ProxyAuthStack stack = ProxyAuthStack.start(work)) {
      createPat(stack.backend.http, basic("admin", TestServer.ADMIN_PASSWORD));
      Reply me = stack.http().get("/api/me", APACHE_PAT);
      assertEquals(200, me.status(), me.body());
      assertEquals("default", body(me).path("authenticatedBy").asText(), me.body());
      assertEquals("guest", body(me).path("username").asText());
    }
  }
}
