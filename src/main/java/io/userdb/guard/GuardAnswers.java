package io.userdb.guard;

import io.userdb.auth.Caller;
import io.userdb.fastcgi.AuthorizerResponse;
import io.userdb.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * The answers a check gets. The names of the variables a 200 carries are the interface Apache
 * configurations are written against ({@code %{reqenv:USERDB_ROLES}}): keep them.
 */
final class GuardAnswers {

  static final String ROLES = "USERDB_ROLES";
  static final String AUTH = "USERDB_AUTH";

  private GuardAnswers() {}

  /**
   * Let in: Apache takes {@code REMOTE_USER} as the user (through {@code UserExpr}), and keeps the
   * roles and how the caller proved who they are for {@code Require expr}.
   */
  static AuthorizerResponse allowed(Caller caller, boolean withMethod) {
    AuthorizerResponse ok =
        AuthorizerResponse.of(200)
            .withVariable("REMOTE_USER", caller.username())
            .withVariable(ROLES, String.join(",", new TreeSet<>(caller.roles())));
    return withMethod ? ok.withVariable(AUTH, caller.method().jsonName()) : ok;
  }

  /** Nobody signed in: a browser is sent to sign in and back; anything else gets a 401. */
  static AuthorizerResponse signInFirst(GuardRequest request, String signInPath, String code) {
    if (request.isPageRequest()) {
      return AuthorizerResponse.of(302)
          .with("Location", ReturnTarget.signInPage(signInPath, request.uri()))
          .with("Cache-Control", "no-store")
          .withBody("text/plain;charset=UTF-8", "sign in first\n".getBytes(StandardCharsets.UTF_8));
    }
    return unauthorized(code);
  }

  /** Credentials offered and refused: said so, with a challenge to try others. */
  static AuthorizerResponse unauthorized(String code) {
    return error(401, code, message(code)).with("WWW-Authenticate", "Basic realm=\"userdb\"");
  }

  private static String message(String code) {
    return switch (code) {
      case "invalid_credentials" -> "wrong username or password";
      case "invalid_authorization" -> "the Authorization header is malformed";
      case "session_ended" ->
          "the session has ended (signed out, expired or revoked); sign in again";
      default -> "sign in first";
    };
  }

  static AuthorizerResponse forbidden(String message) {
    return error(403, "forbidden", message);
  }

  static AuthorizerResponse locked(long retryAfterSeconds) {
    return error(
            429, "locked", "too many failed sign-ins; try again in " + retryAfterSeconds + " s")
        .with("Retry-After", Long.toString(retryAfterSeconds));
  }

  static AuthorizerResponse unavailable() {
    return error(503, "database_unavailable", "the user database cannot be used right now")
        .with("Retry-After", "5");
  }

  static AuthorizerResponse error(int status, String code, String message) {
    return AuthorizerResponse.of(status)
        .with("Cache-Control", "no-store")
        .withBody("application/json", Json.errorBody(code, message));
  }
}
