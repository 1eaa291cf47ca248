package io.userdb.api;

import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AccountRules;
import io.userdb.auth.AuthenticationException;
import io.userdb.auth.Caller;
import io.userdb.auth.LoginResult;
import io.userdb.auth.LoginService;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.ProfileChange;
import io.userdb.db.User;
import io.userdb.db.UserPage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * User management: {@code /api/users} (list, create), {@code /api/users/NAME} (read, update,
 * delete) and {@code /api/users/NAME/password}. Admins may do everything; a user may read and edit
 * their own profile and change their own password.
 */
final class UsersServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  UsersServlet(ApiContext ctx) {
    super(ctx);
  }

  /** What the path after /api/users names. */
  private record Target(String username, boolean password) {
    static Target of(HttpServletRequest request) {
      String path = request.getPathInfo();
      if (path == null || path.equals("/")) {
        return new Target(null, false);
      }
      String[] parts = path.substring(1).split("/", -1);
      if (parts.length == 1 && AccountRules.isValidUsername(parts[0])) {
        return new Target(parts[0], false);
      }
      if (parts.length == 2
          && parts[1].equals("password")
          && AccountRules.isValidUsername(parts[0])) {
        return new Target(parts[0], true);
      }
      throw ApiException.notFound("user");
    }

    boolean isCollection() {
      return username == null;
    }
  }

  /** The collection, one user and a user's password each answer their own methods. */
  @Override
  String allowedMethods(HttpServletRequest request) {
    Target target;
    try {
      target = Target.of(request);
    } catch (ApiException notAUserPath) {
      return super.allowedMethods(request);
    }
    return target.isCollection()
        ? "GET, HEAD, POST"
        : target.password() ? "PUT" : "GET, HEAD, PATCH, DELETE";
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Target target = Target.of(request);
    if (target.password()) {
      throw methodNotAllowed();
    }
    if (target.isCollection()) {
      list(request, response);
      return;
    }
    withCaller(
        request,
        (access, caller) -> {
          requireSelfOrAdmin(requireUser(caller), target.username());
          User user =
              access
                  .db()
                  .findUser(target.username())
                  .orElseThrow(() -> ApiException.notFound("user"));
          reply(access, response, 200, UserJson.of(user));
        });
  }

  private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
    int offset = intParameter(request, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = intParameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    String prefix = request.getParameter("q") == null ? "" : request.getParameter("q");
    if (!prefix.isEmpty() && !AccountRules.isValidUsername(prefix)) {
      throw ApiException.badRequest(
          "invalid_query", "q must be a username prefix (A-Z a-z 0-9 . _ @ -)");
    }
    withCaller(
        request,
        (access, caller) -> {
          requireAdmin(caller);
          UserPage page =
              ctx.costlyQueries().run(access, db -> db.listUsers(prefix, offset, limit));
          List<UserJson> users = page.users().stream().map(UserJson::of).toList();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("total", page.total());
          body.put("offset", offset);
          body.put("limit", limit);
          body.put("users", users);
          reply(access, response, 200, body);
        });
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!Target.of(request).isCollection()) {
      throw methodNotAllowed();
    }
    JsonBody body = JsonBody.read(request, "username", "password", "displayName", "email", "roles");
    withCaller(
        request,
        (access, caller) -> {
          requireAdmin(caller);
          Set<String> roles = body.optionalStrings("roles");
          User user =
              ctx.accounts()
                  .create(
                      access,
                      body.requiredString("username"),
                      body.requiredString("password"),
                      body.optionalString("displayName"),
                      body.optionalString("email"),
                      roles == null ? Set.of(Caller.USER) : roles,
                      origin(request, caller));
          response.setHeader("Location", "/api/users/" + user.username());
          reply(access, response, 201, UserJson.of(user));
        });
  }

  @Override
  protected void doPatch(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Target target = Target.of(request);
    if (target.isCollection() || target.password()) {
      throw methodNotAllowed();
    }
    JsonBody body = JsonBody.read(request, "displayName", "email", "roles", "disabled");
    withCaller(
        request,
        (access, caller) -> {
          Caller who = requireUser(caller);
          requireSelfOrAdmin(who, target.username());
          ProfileChange change =
              new ProfileChange(
                  body.optionalString("displayName"),
                  body.optionalString("email"),
                  body.optionalStrings("roles"),
                  body.optionalBoolean("disabled"));
          if (change.touchesAccess() && !who.isAdmin()) {
            throw ApiException.refused("only admins may change roles or disable accounts");
          }
          User user =
              ctx.accounts()
                  .update(access.db(), target.username(), change, origin(request, caller))
                  .orElseThrow(() -> ApiException.notFound("user"));
          reply(access, response, 200, UserJson.of(user));
        });
  }

  @Override
  protected void doPut(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Target target = Target.of(request);
    if (!target.password()) {
      throw methodNotAllowed();
    }
    JsonBody body = JsonBody.read(request, "password", "currentPassword");
    withCaller(
        request,
        (access, caller) -> {
          Caller who = requireUser(caller);
          requireSelfOrAdmin(who, target.username());
          User user =
              access
                  .db()
                  .findUser(target.username())
                  .orElseThrow(() -> ApiException.notFound("user"));
          String newPassword = body.requiredString("password");
          AuditOrigin origin = origin(request, caller);
          if (!who.isAdmin()) {
            checkCurrentPassword(access, user, body.requiredString("currentPassword"), origin);
          }
          String keep = who.is(user.username()) ? who.sessionHash() : null;
          ctx.accounts().changePassword(access, user.username(), newPassword, keep, origin);
          response.setStatus(204);
        });
  }

  /**
   * A stolen session must not become a free password oracle: the current password is checked as a
   * sign-in is, under the same per-account and per-address limits.
   */
  private void checkCurrentPassword(
      DatabaseAccess access, User user, String currentPassword, AuditOrigin origin) {
    LoginResult result =
        ctx.logins()
            .login(
                access,
                user.username(),
                currentPassword,
                origin,
                LoginService.Method.CURRENT_PASSWORD);
    if (result instanceof LoginResult.Locked locked) {
      throw new AuthenticationException(AuthenticationException.Reason.LOCKED, locked.retryAfter());
    }
    if (!(result instanceof LoginResult.Success)) {
      throw ApiException.forbidden("currentPassword is wrong");
    }
  }

  @Override
  protected void doDelete(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Target target = Target.of(request);
    if (target.isCollection() || target.password()) {
      throw methodNotAllowed();
    }
    withCaller(
        request,
        (access, caller) -> {
          requireAdmin(caller);
          if (!ctx.accounts().delete(access.db(), target.username(), origin(request, caller))) {
            throw ApiException.notFound("user");
          }
          response.setStatus(204);
        });
  }

  private static void requireSelfOrAdmin(Caller caller, String username) {
    if (!caller.isAdmin() && !caller.is(username)) {
      throw ApiException.refused("you may only see and change your own account");
    }
  }

  private static int intParameter(
      HttpServletRequest request, String name, int fallback, int min, int max) {
    String value = request.getParameter(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_parameter", name + " must be a whole number from " + min + " to " + max);
  }
}
