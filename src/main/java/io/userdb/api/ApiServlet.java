package io.userdb.api;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AuthenticationException;
import io.userdb.auth.Caller;
import io.userdb.auth.InvalidInputException;
import io.userdb.auth.SessionService;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.DatabaseException;
import io.userdb.db.DatabaseFullException;
import io.userdb.db.DuplicateUserException;
import io.userdb.db.LastAdminException;
import io.userdb.db.PoolExhaustedException;
import io.userdb.db.UserDatabasePool;
import io.userdb.http.Json;
import io.userdb.http.SecurityHeadersFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Base of every API servlet: borrows a database object for the request, works out who is asking,
 * and maps every failure to a JSON error in one place. Methods a servlet does not override answer
 * 405.
 */
abstract class ApiServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(ApiServlet.class.getName());

  static final String SESSION_ENDED = "session_ended";

  /** Longer paths are recorded cut: no endpoint is near this long, and the log is no dump. */
  private static final int MAX_RECORDED_PATH = 200;

  private static final java.util.Set<String> KNOWN_METHODS =
      java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  protected final transient ApiContext ctx;
  private transient volatile String implemented;

  ApiServlet(ApiContext ctx) {
    this.ctx = ctx;
  }

  @FunctionalInterface
  interface Handler {
    void handle(DatabaseAccess access, Optional<Caller> caller) throws IOException;
  }

  /**
   * Runs {@code handler} with access to a pooled database object, given back however it ends. A
   * refusal ({@link ApiException#refused}) is recorded in the audit log before it is answered,
   * coalesced ({@link AuditCoalescer}): any account can repeat one at request rate.
   */
  void withCaller(HttpServletRequest request, Handler handler) throws IOException {
    try (UserDatabasePool.Access access = ctx.pool().access()) {
      Optional<Caller> caller =
          ctx.authenticator()
              .identify(
                  access,
                  sessionToken(request),
                  request.getHeader("Authorization"),
                  request.getRemoteUser(),
                  () -> ctx.clientAddress(request));
      try {
        handler.handle(access, caller);
      } catch (ApiException.Refusal e) {
        String path = shortened(request.getRequestURI());
        AuditEvent refused =
            AuditEvent.failure(AuditAction.ACCESS_REFUSED, origin(request, caller), null, null)
                .with("method", request.getMethod())
                .with("path", path)
                .with("reason", e.getMessage());
        ctx.coalescer()
            .record(
                refused,
                request.getMethod() + " " + path,
                recorded -> access.db().appendAudit(recorded, Instant.now()));
        throw e;
      }
    }
  }

  /** A path as recorded: what the caller sent, cut at {@link #MAX_RECORDED_PATH}. */
  private static String shortened(String path) {
    return path.length() <= MAX_RECORDED_PATH ? path : path.substring(0, MAX_RECORDED_PATH) + "...";
  }

  /** Who is asking, for the audit log: their account, the default user, or anonymous. */
  AuditOrigin origin(HttpServletRequest request, Optional<Caller> caller) {
    String address = ctx.clientAddress(request);
    if (caller.isEmpty()) {
      return AuditOrigin.anonymous(address, ctx.route());
    }
    Caller c = caller.get();
    return c.user() == null
        ? new AuditOrigin(null, c.username(), address, ctx.route())
        : AuditOrigin.user(c.user().id(), c.username(), address, ctx.route());
  }

  /**
   * Answers from inside a {@link #withCaller} handler. The pooled object goes back first:
   * serialising and writing the body need no database, and a slow client or a large page (a user
   * list is ~20 KB) would otherwise keep an object from requests waiting for one.
   */
  static void reply(DatabaseAccess access, HttpServletResponse response, int status, Object body)
      throws IOException {
    access.release();
    Json.write(response, status, body);
  }

  /** As {@link #reply}, with a body {@link Json#bytes} rendered before. */
  static void replyRendered(
      DatabaseAccess access, HttpServletResponse response, int status, byte[] body)
      throws IOException {
    access.release();
    Json.writeRendered(response, status, body);
  }

  static String sessionToken(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (SessionService.COOKIE.equals(cookie.getName())) {
        return cookie.getValue();
      }
    }
    return null;
  }

  /** An account with role user or admin; the default guest and guest-only accounts are not. */
  static Caller requireUser(Optional<Caller> caller) {
    Caller c =
        caller.filter(Caller::isAuthenticated).orElseThrow(ApiException::authenticationRequired);
    if (!c.isAdmin() && !c.roles().contains(Caller.USER)) {
      throw ApiException.refused("this account may not do that");
    }
    return c;
  }

  static Caller requireAdmin(Optional<Caller> caller) {
    Caller c = requireUser(caller);
    if (!c.isAdmin()) {
      throw ApiException.refused("only admins may do that");
    }
    return c;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      if (!KNOWN_METHODS.contains(request.getMethod())) {
        throw methodNotAllowed();
      }
      super.service(request, response);
    } catch (ApiException e) {
      send(
          request,
          response,
          e.status() == 405 ? e.withHeader("Allow", allowedMethods(request)) : e);
    } catch (InvalidInputException e) {
      send(request, response, ApiException.badRequest(e.code(), e.getMessage()));
    } catch (AuthenticationException e) {
      send(request, response, fromAuthentication(e));
    } catch (DuplicateUserException e) {
      send(request, response, new ApiException(409, "user_exists", e.getMessage()));
    } catch (LastAdminException e) {
      send(request, response, new ApiException(409, "last_admin", e.getMessage()));
    } catch (PoolExhaustedException e) {
      LOG.warning(e.getMessage());
      send(
          request,
          response,
          new ApiException(
              503, "pool_exhausted", "the service is busy; try again", Map.of("Retry-After", "1")));
    } catch (DatabaseFullException e) {
      LOG.warning(e.getMessage());
      send(
          request,
          response,
          new ApiException(
              507,
              "insufficient_storage",
              "the database is full (disk or db-max-size); nothing was changed",
              Map.of()));
    } catch (DatabaseException e) {
      LOG.warning(e.getMessage());
      send(
          request,
          response,
          new ApiException(
              503,
              "database_unavailable",
              "the database cannot be used right now",
              Map.of("Retry-After", "5")));
    } catch (IOException e) {
      throw e; // the client went away; nothing to answer
    } catch (Exception e) {
      LOG.log(
          Level.SEVERE,
          "unexpected failure on " + request.getMethod() + " " + request.getRequestURI(),
          e);
      send(
          request,
          response,
          new ApiException(500, "internal_error", "unexpected error; it has been logged"));
    }
  }

  private static ApiException fromAuthentication(AuthenticationException e) {
    return switch (e.reason()) {
      case LOCKED ->
          new ApiException(
              429,
              "locked",
              "too many failed sign-ins; try again in " + retryAfterSeconds(e) + " s",
              Map.of("Retry-After", Long.toString(retryAfterSeconds(e))));
      case MALFORMED ->
          ApiException.unauthorized(
              "invalid_authorization", "the Authorization header is malformed");
      case UNKNOWN_PROXY_USER ->
          ApiException.forbidden("the user Apache signed in has no enabled account here");
      case INVALID_CREDENTIALS ->
          ApiException.unauthorized("invalid_credentials", "wrong username or password");
      case SESSION_ENDED ->
          ApiException.unauthorized(
              SESSION_ENDED,
              "the session has ended (signed out, expired or revoked); sign in again");
    };
  }

  static long retryAfterSeconds(AuthenticationException e) {
    return Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
  }

  private static void send(HttpServletRequest request, HttpServletResponse response, ApiException e)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    SecurityHeadersFilter.apply(response); // reset() took them with everything else
    e.headers().forEach(response::setHeader);
    if (SESSION_ENDED.equals(e.code())) {
      response.addHeader(
          "Set-Cookie", SessionServlet.cookie("", 0, request.isSecure())); // the browser drops it
    }
    if (e.status() == 401 && request.getHeader("X-Requested-With") != null) {
      // A page's script (the console) handles sign-in itself: a Basic challenge would make the
      // browser open its own password dialog over it, or, headless, wait for one forever.
      response.setHeader("WWW-Authenticate", "Session realm=\"userdb\"");
    }
    Json.writeError(response, e.status(), e.code(), e.getMessage());
  }

  // Methods a servlet does not implement: 405 in JSON, with no trace of the servlet's name.
  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  @Override
  protected void doPatch(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  @Override
  protected void doTrace(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  @Override
  protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    throw methodNotAllowed();
  }

  /**
   * The methods the requested resource answers, for the {@code Allow} header of a 405: by default
   * those this servlet implements. A servlet serving resources that differ overrides it.
   */
  String allowedMethods(HttpServletRequest request) {
    String allowed = implemented;
    if (allowed == null) {
      java.util.List<String> methods = new java.util.ArrayList<>();
      for (String method : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        if (declares(
            "do" + method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT))) {
          methods.add(method);
          if (method.equals("GET")) {
            methods.add("HEAD");
          }
        }
      }
      allowed = String.join(", ", methods);
      implemented = allowed;
    }
    return allowed;
  }

  private boolean declares(String name) {
    try {
      getClass().getDeclaredMethod(name, HttpServletRequest.class, HttpServletResponse.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  static ApiException methodNotAllowed() {
    return new ApiException(405, "method_not_allowed", "this method is not allowed here");
  }
}
