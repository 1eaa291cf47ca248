package io.userdb.guard;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AuthMethod;
import io.userdb.auth.AuthenticationException;
import io.userdb.auth.Authenticator;
import io.userdb.auth.Caller;
import io.userdb.auth.ClientAddresses;
import io.userdb.auth.SessionService;
import io.userdb.db.DatabaseException;
import io.userdb.db.UserDatabasePool;
import io.userdb.fastcgi.Authorizer;
import io.userdb.fastcgi.AuthorizerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * userdb as Apache's FastCGI authorizer (mod_authnz_fcgi): decides whether the request Apache is
 * about to serve may be served, by the same rules as userdb's own API (sessions, Basic through the
 * credential cache and the sign-in limits, the audit log), and answers who the caller is. Every
 * failure to decide (the store down, the pool exhausted) is a refusal: Apache serves nothing it
 * guards without a 200 from here. Thread-safe.
 */
public final class Guard implements Authorizer {

  private static final Logger LOG = Logger.getLogger(Guard.class.getName());

  /** The console's sign-in, where a browser is sent with {@code ?return=} the page it asked for. */
  public static final String SIGN_IN_PATH = "/console/";

  private static final int MAX_RECORDED_PATH = 200;

  private final UserDatabasePool pool;
  private final Authenticator authenticator;
  private final ClientAddresses clientAddresses;
  private final AuditCoalescer coalescer;
  private final String defaultUser;
  private final String route;
  private final AtomicBoolean warnedNoRole = new AtomicBoolean();

  /**
   * @param defaultUser who anonymous requests act as where the site allows it; empty for none
   * @param route this backend's route, for the audit log
   */
  public Guard(
      UserDatabasePool pool,
      Authenticator authenticator,
      ClientAddresses clientAddresses,
      AuditCoalescer coalescer,
      String defaultUser,
      String route) {
    this.pool = pool;
    this.authenticator = authenticator;
    this.clientAddresses = clientAddresses;
    this.coalescer = coalescer;
    this.defaultUser = defaultUser;
    this.route = route;
  }

  @Override
  public AuthorizerResponse authorize(Map<String, String> env) {
    GuardRequest request = GuardRequest.of(env);
    Supplier<String> client =
        () -> clientAddresses.keyOf(request.remoteAddress(), request.forwardedFor());
    try (UserDatabasePool.Access access = pool.access()) {
      Optional<Caller> caller =
          switch (request.kind()) {
            case PASSWORD -> Optional.of(byPassword(access, request, client));
            case AUTHORIZE -> Optional.of(apachesUser(access, request, client));
            case IDENTIFY ->
                authenticator
                    .identify(
                        access,
                        request.cookie(SessionService.COOKIE),
                        request.authorization(),
                        null, // REMOTE_USER names nobody here: Apache has authenticated no one
                        client)
                    .filter(c -> c.method() != AuthMethod.DEFAULT || request.defaultUserAllowed());
          };
      if (caller.isEmpty()) {
        return GuardAnswers.signInFirst(request, SIGN_IN_PATH, "authentication_required");
      }
      if (!mayEnter(caller.get(), request)) {
        recordRefusal(access, request, caller.get(), client);
        return GuardAnswers.forbidden("this account may not open this page");
      }
      return GuardAnswers.allowed(caller.get(), request.kind() != GuardRequest.Kind.AUTHORIZE);
    } catch (AuthenticationException e) {
      return refused(request, e);
    } catch (DatabaseException e) {
      LOG.warning("guard: cannot check a request: " + e.getMessage());
      return GuardAnswers.unavailable();
    }
  }

  /** Basic as Apache read it: the same check as userdb's own Basic. */
  private Caller byPassword(
      UserDatabasePool.Access access, GuardRequest request, Supplier<String> client) {
    String credentials = request.remoteUser() == null ? "" : request.remoteUser();
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (credentials + ":" + request.password()).getBytes(StandardCharsets.UTF_8));
    return authenticator
        .identify(access, null, header, null, client)
        .orElseThrow(
            () -> new AuthenticationException(AuthenticationException.Reason.INVALID_CREDENTIALS));
  }

  /** {@code Require}: Apache authenticated the user (here or elsewhere) and names them. */
  private Caller apachesUser(
      UserDatabasePool.Access access, GuardRequest request, Supplier<String> client) {
    String name = request.remoteUser();
    if (name == null || name.isEmpty()) {
      throw new AuthenticationException(AuthenticationException.Reason.UNKNOWN_PROXY_USER);
    }
    if (!defaultUser.isEmpty()
        && name.equals(defaultUser)
        && access.db().findUser(name).isEmpty()) {
      return Caller.defaultUser(name);
    }
    return authenticator.apacheUser(access.db(), name, client);
  }

  /**
   * With {@code USERDB_REQUIRE_ROLE} set, one of its roles; without it, any caller, except for a
   * {@code Require} check, which exists only to check a role: refused, and said so once in the log.
   */
  private boolean mayEnter(Caller caller, GuardRequest request) {
    if (request.requiredRoles().isEmpty()) {
      if (request.kind() == GuardRequest.Kind.AUTHORIZE) {
        if (warnedNoRole.compareAndSet(false, true)) {
          LOG.warning(
              "guard: a Require check came without "
                  + GuardRequest.REQUIRE_ROLE
                  + " (set it with SetEnvIf where the provider is required): refused");
        }
        return false;
      }
      return true;
    }
    return !Collections.disjoint(caller.roles(), request.requiredRoles());
  }

  private void recordRefusal(
      UserDatabasePool.Access access,
      GuardRequest request,
      Caller caller,
      Supplier<String> client) {
    String path =
        request.uri().length() <= MAX_RECORDED_PATH
            ? request.uri()
            : request.uri().substring(0, MAX_RECORDED_PATH) + "...";
    AuditOrigin origin =
        caller.user() == null
            ? new AuditOrigin(null, caller.username(), client.get(), route)
            : AuditOrigin.user(caller.user().id(), caller.username(), client.get(), route);
    AuditEvent refused =
        AuditEvent.failure(AuditAction.ACCESS_REFUSED, origin, null, null)
            .with("method", request.method())
            .with("path", path)
            .with("reason", "role")
            .with("via", "guard");
    coalescer.record(
        refused,
        "guard " + request.method() + " " + path,
        recorded -> access.db().appendAudit(recorded, Instant.now()));
  }

  private static AuthorizerResponse refused(GuardRequest request, AuthenticationException e) {
    return switch (e.reason()) {
      case LOCKED -> GuardAnswers.locked(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
      case MALFORMED -> GuardAnswers.unauthorized("invalid_authorization");
      case INVALID_CREDENTIALS -> GuardAnswers.unauthorized("invalid_credentials");
      case SESSION_ENDED ->
          GuardAnswers.signInFirst(request, SIGN_IN_PATH, "session_ended")
              .with("Set-Cookie", SessionService.cookie("", 0, request.secure()));
      case UNKNOWN_PROXY_USER ->
          GuardAnswers.forbidden("the user Apache signed in has no enabled account here");
    };
  }
}
