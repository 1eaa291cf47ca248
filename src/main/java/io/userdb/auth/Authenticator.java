package io.userdb.auth;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AuthenticationException.Reason;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides who is asking, trying in order: the user Apache authenticated (REMOTE_USER over AJP),
 * only when the proxy is trusted, and then over anything else the request carries, as with Tomcat's
 * {@code tomcatAuthentication="false"}; a session cookie; HTTP Basic credentials, checked against
 * the database through {@link BasicCredentialCache}; the configured default user. Thread-safe.
 */
public final class Authenticator {

  private final SessionService sessions;
  private final LoginService logins;
  private final BasicCredentialCache credentialCache;
  private final boolean trustProxyUser;
  private final String defaultUser;
  private final String route;
  private final SingleFlight<Attempt, LoginResult> verifying = new SingleFlight<>();

  /**
   * A password check in progress, by credentials and client (lockout counts per client): the same
   * credentials from the same client at once are checked once, and a wrong password sent by many
   * requests at once counts as one failure, as it is one guess.
   */
  private record Attempt(BasicCredentialCache.Key credentials, String clientAddress) {}

  /**
   * @param defaultUser the name anonymous requests act as, with role guest; empty for none
   * @param route this backend's route in a balancer, for the audit log ("" for none)
   */
  public Authenticator(
      SessionService sessions,
      LoginService logins,
      BasicCredentialCache credentialCache,
      boolean trustProxyUser,
      String defaultUser,
      String route) {
    this.sessions = sessions;
    this.logins = logins;
    this.credentialCache = credentialCache;
    this.trustProxyUser = trustProxyUser;
    this.defaultUser = defaultUser;
    this.route = route;
  }

  /**
   * @param sessionToken the session cookie's value, or null
   * @param authorization the Authorization header, or null
   * @param proxyUser the REMOTE_USER Apache sent, or null
   * @param clientAddress the per-address limit's key, asked for only when a password must be
   *     checked: most requests carry a session or cached credentials and never need it
   * @return the caller, or empty if anonymous requests have no default user
   * @throws AuthenticationException if offered credentials are refused, or the session cookie (sent
   *     without other credentials) names a session that has ended
   */
  public Optional<Caller> identify(
      DatabaseAccess access,
      String sessionToken,
      String authorization,
      String proxyUser,
      Supplier<String> clientAddress) {
    if (trustProxyUser && proxyUser != null && !proxyUser.isEmpty()) {
      return Optional.of(proxy(access.db(), proxyUser, clientAddress));
    }
    if (sessionToken != null && !sessionToken.isEmpty()) {
      Optional<Caller> caller =
          sessions.resume(
              access, sessionToken, () -> AuditOrigin.anonymous(clientAddress.get(), route));
      if (caller.isPresent()) {
        return caller;
      }
      if (authorization == null) {
        throw new AuthenticationException(AuthenticationException.Reason.SESSION_ENDED);
      }
    }
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.of(basic(access, authorization.substring(6).trim(), clientAddress));
    }
    if (!defaultUser.isEmpty()) {
      return Optional.of(Caller.defaultUser(defaultUser));
    }
    return Optional.empty();
  }

  private Caller basic(DatabaseAccess access, String encoded, Supplier<String> clientAddresses) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw refusedBasic(access, clientAddresses, "malformed", Reason.MALFORMED);
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw refusedBasic(access, clientAddresses, "malformed", Reason.MALFORMED);
    }
    String username = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    if (!AccountRules.isValidUsername(username)) {
      throw refusedBasic(access, clientAddresses, "invalid_username", Reason.INVALID_CREDENTIALS);
    }
    BasicCredentialCache.Key key = credentialCache.key(username, password);
    long version = access.dataVersion();
    User known = credentialCache.verifiedUser(key, version);
    if (known != null) {
      return Caller.of(known, AuthMethod.BASIC, null); // nothing committed since it was read
    }
    Optional<User> current = access.db().findUser(username);
    if (isVerified(key, current)) {
      credentialCache.refresh(key, current.get(), version);
      return Caller.of(current.get(), AuthMethod.BASIC, null);
    }
    String clientAddress = clientAddresses.get();
    LoginResult result =
        verifying.run(
            new Attempt(key, clientAddress),
            () -> {
              if (isVerified(key, current)) { // by a check that ended as this one began
                return new LoginResult.Success(current.get());
              }
              LoginResult checked =
                  logins.login(
                      access,
                      username,
                      password,
                      AuditOrigin.anonymous(clientAddress, route),
                      LoginService.Method.BASIC);
              if (checked instanceof LoginResult.Success success) {
                // The hash as stored now, so an upgraded legacy hash is what the cache vouches
                // for; the version from before the login's own write, so that the next request
                // reads the account again.
                credentialCache.remember(key, success.user(), version);
              }
              return checked;
            },
            access::release);
    if (result instanceof LoginResult.Success success) {
      return Caller.of(success.user(), AuthMethod.BASIC, null);
    }
    if (result instanceof LoginResult.Locked locked) {
      throw new AuthenticationException(AuthenticationException.Reason.LOCKED, locked.retryAfter());
    }
    throw new AuthenticationException(AuthenticationException.Reason.INVALID_CREDENTIALS);
  }

  /** Basic credentials refused before any account is looked at, recorded as such. */
  private AuthenticationException refusedBasic(
      DatabaseAccess access, Supplier<String> clientAddresses, String reason, Reason answer) {
    logins.recordRefusedUnread(
        access.db(),
        AuditOrigin.anonymous(clientAddresses.get(), route),
        LoginService.Method.BASIC,
        reason);
    return new AuthenticationException(answer);
  }

  private boolean isVerified(BasicCredentialCache.Key key, Optional<User> current) {
    return current.isPresent()
        && !current.get().disabled()
        && credentialCache.isVerified(key, current.get().passwordHash());
  }

  /**
   * The account of the user Apache authenticated, as {@code --trust-proxy-user} takes it: for the
   * guard's role checks, where Apache itself names the user.
   *
   * @throws AuthenticationException if no enabled account has exactly that name
   */
  public Caller apacheUser(UserDatabase db, String name, Supplier<String> clientAddress) {
    return proxy(db, name, clientAddress);
  }

  /**
   * The account named exactly as Apache's user: names are unique ignoring case here, but Apache's
   * are not, so its {@code ADMIN} must not become userdb's {@code admin}. A refusal is recorded; an
   * accepted name is not, as Apache signs it in on every request.
   */
  private Caller proxy(UserDatabase db, String name, Supplier<String> clientAddress) {
    Optional<User> user = db.findUser(name).filter(found -> found.username().equals(name));
    if (user.isEmpty() || user.get().disabled()) {
      logins.recordRefused( // on every request Apache sends for that user: coalesced
          db,
          AuditEvent.failure(
                  AuditAction.USER_LOGIN,
                  AuditOrigin.anonymous(clientAddress.get(), route),
                  user.map(User::id).orElse(null),
                  name)
              .with("method", "proxy")
              .with("reason", user.isEmpty() ? "unknown_user" : "disabled"),
          "proxy:" + name);
      throw new AuthenticationException(AuthenticationException.Reason.UNKNOWN_PROXY_USER);
    }
    return Caller.of(user.get(), AuthMethod.PROXY, null);
  }
}
