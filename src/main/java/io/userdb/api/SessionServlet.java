package io.userdb.api;

import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AccountRules;
import io.userdb.auth.AuthenticationException;
import io.userdb.auth.Caller;
import io.userdb.auth.LoginResult;
import io.userdb.auth.LoginService;
import io.userdb.auth.SessionService;
import io.userdb.db.UserDatabasePool;
import io.userdb.guard.ReturnTarget;
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
    JsonBody body = JsonBody.read(request, "username", "password", "return");
    String username = body.requiredString("username");
    String password = body.requiredString("password");
    String returnTo = returnTarget(body.optionalString("return"));
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
      UserJson user = UserJson.of(success.user());
      reply(access, response, 200, returnTo == null ? user : user.returningTo(returnTo));
    }
  }

  /**
   * The page a guarded request came from (the guard sends browsers here with {@code ?return=}),
   * only if it is a path on this site; checked before any password is, so a crafted link costs no
   * hash and a sign-in never ends on another site.
   */
  private static String returnTarget(String given) {
    if (given == null) {
      return null;
    }
    return ReturnTarget.check(given)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "invalid_return", "the page to return to must be a path on this site"));
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

  static String cookie(String token, long maxAgeSeconds, boolean secure) {
    return SessionService.cookie(token, maxAgeSeconds, secure);
  }
}
