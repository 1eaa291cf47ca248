package io.userdb.api;

import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AccountRules;
import io.userdb.auth.AuthenticationException;
import io.userdb.auth.Caller;
import io.userdb.auth.LoginResult;
import io.userdb.auth.LoginService;
import io.userdb.auth.SessionService;
import io.userdb.db.UserDatabasePool;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /api/session} signs in and sets the session cookie; DELETE signs out. */
final class SessionServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;

  SessionServlet(ApiContext ctx) {
    super(ctx);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonBody body = JsonBody.read(request, "username", "password");
    String username = body.requiredString("username");
    String password = body.requiredString("password");
    try (UserDatabasePool.Access access = ctx.pool().access()) {
      AuditOrigin origin = AuditOrigin.anonymous(ctx.clientAddress(request), ctx.route());
      LoginResult result =
          AccountRules.isValidUsername(username)
              ? ctx.logins().login(access, username, password, origin, LoginService.Method.PASSWORD)
              : refusedName(access, origin);
      if (result instanceof LoginResult.Locked locked) {
        throw new AuthenticationException(
            AuthenticationException.Reason.LOCKED, locked.retryAfter());
      }
      if (!(result instanceof LoginResult.Success success)) {
        throw new AuthenticationException(AuthenticationException.Reason.INVALID_CREDENTIALS);
      }
      // A fresh token at every sign-in; the session the client came with (if any) ends.
      AuditOrigin signedIn = origin.as(success.user().id(), success.user().username());
      ctx.sessions().revokeToken(access.db(), sessionToken(request), signedIn);
      String token = ctx.sessions().start(access.db(), success.user(), signedIn);
      response.addHeader(
          "Set-Cookie", cookie(token, ctx.sessions().maxAge().toSeconds(), request.isSecure()));
      reply(access, response, 200, UserJson.of(success.user()));
    }
  }

  /**
   * A name no account can have: recorded without it (it may be a password typed there), and
   * coalesced, as it comes before the per-address limit.
   */
  private LoginResult refusedName(UserDatabasePool.Access access, AuditOrigin origin) {
    ctx.logins()
        .recordRefusedUnread(access.db(), origin, LoginService.Method.PASSWORD, "invalid_username");
    return new LoginResult.Failure();
  }

  @Override
  protected void doDelete(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      withCaller(
          request,
          (access, caller) ->
              caller
                  .map(Caller::sessionHash)
                  .ifPresent(
                      hash -> ctx.sessions().revoke(access.db(), hash, origin(request, caller))));
    } catch (AuthenticationException e) {
      if (e.reason() != AuthenticationException.Reason.SESSION_ENDED) {
        throw e;
      }
      // Signing out of a session that has already ended: done, as the client wanted.
    }
    response.addHeader("Set-Cookie", cookie("", 0, request.isSecure()));
    response.setStatus(204);
  }

  /** Secure only when the request came over TLS (Apache tells Tomcat so through AJP). */
  static String cookie(String token, long maxAgeSeconds, boolean secure) {
    return SessionService.COOKIE
        + "="
        + token
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }
}
