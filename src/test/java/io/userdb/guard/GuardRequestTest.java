package io.userdb.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which question Apache asks, read from what mod_authnz_fcgi sets and nothing a client sends. */
class GuardRequestTest {

  @Test
  void the_three_questions_are_told_apart_by_what_apache_sets() {
    assertEquals(
        GuardRequest.Kind.PASSWORD,
        GuardRequest.of(
                Map.of(
                    "FCGI_APACHE_ROLE", "AUTHENTICATOR", "REMOTE_USER", "a", "REMOTE_PASSWD", "p"))
            .kind());
    assertEquals(
        GuardRequest.Kind.PASSWORD,
        GuardRequest.of(Map.of("REMOTE_USER", "a", "REMOTE_PASSWD", "p")).kind(),
        "an authnz provider's password check has no FCGI_APACHE_ROLE");
    assertEquals(
        GuardRequest.Kind.AUTHORIZE,
        GuardRequest.of(Map.of("FCGI_APACHE_ROLE", "AUTHORIZER", "REMOTE_USER", "a")).kind());
    assertEquals(
        GuardRequest.Kind.IDENTIFY,
        GuardRequest.of(Map.of("FCGI_APACHE_ROLE", "AUTHENTICATOR")).kind());
  }

  @Test
  void headers_a_client_sends_cannot_pass_for_apaches_variables() {
    GuardRequest forged =
        GuardRequest.of(
            Map.of(
                "FCGI_APACHE_ROLE", "AUTHENTICATOR",
                "HTTP_REMOTE_USER", "admin",
                "HTTP_REMOTE_PASSWD", "x",
                "HTTP_FCGI_APACHE_ROLE", "AUTHORIZER",
                "HTTP_USERDB_REQUIRE_ROLE", "guest",
                "HTTP_USERDB_ALLOW_DEFAULT_USER", "on"));
    assertEquals(GuardRequest.Kind.IDENTIFY, forged.kind());
    assertNull(forged.remoteUser());
    assertEquals(Set.of(), forged.requiredRoles());
    assertFalse(forged.defaultUserAllowed());
  }

  @Test
  void the_session_cookie_is_the_first_of_its_name_and_roles_are_a_list() {
    GuardRequest request =
        GuardRequest.of(
            Map.of(
                "HTTP_COOKIE", "a=1; USERDB_SESSIONX=no; USERDB_SESSION=tok; USERDB_SESSION=second",
                "USERDB_REQUIRE_ROLE", " admin, editor ,,",
                "HTTP_ACCEPT", "text/html,application/xhtml+xml",
                "REQUEST_METHOD", "GET"));
    assertEquals("tok", request.cookie("USERDB_SESSION"));
    assertEquals(Set.of("admin", "editor"), request.requiredRoles());
    assertTrue(request.isPageRequest());
    assertFalse(
        GuardRequest.of(Map.of("HTTP_ACCEPT", "text/html", "REQUEST_METHOD", "POST"))
            .isPageRequest(),
        "a form's POST is not sent to sign in and back");
  }
}
