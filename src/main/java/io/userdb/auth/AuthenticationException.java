package io.userdb.auth;

import java.time.Duration;

/** Credentials were offered and refused. */
public class AuthenticationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** Unknown user, wrong password or disabled account: deliberately one answer. */
    INVALID_CREDENTIALS,
    /** Too many failures; try again after {@link #retryAfter()}. */
    LOCKED,
    /** A malformed Authorization header. */
    MALFORMED,
    /** Apache vouched for a name that has no enabled account here. */
    UNKNOWN_PROXY_USER,
    /**
     * The session cookie names a session that has ended (signed out, expired, revoked): said so,
     * rather than served as the default user, so a client knows to sign in again.
     */
    SESSION_ENDED
  }

  private final Reason reason;
  private final Duration retryAfter;

  public AuthenticationException(Reason reason, Duration retryAfter) {
    super(reason.name());
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  public AuthenticationException(Reason reason) {
    this(reason, Duration.ZERO);
  }

  public Reason reason() {
    return reason;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
