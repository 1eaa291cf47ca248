package io.userdb.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.SessionRecord;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sessions: 256-bit random tokens handed to the client, stored only as SHA-256 hashes, with an idle
 * timeout and an absolute lifetime, at most {@link #MAX_PER_USER} per user (a new one ends the
 * oldest). A read stays a read: the last-seen time is written at most once a touch interval (a
 * minute, or a quarter of a shorter idle timeout, so a session in use never looks idle), since
 * every write queues for the store's write locks. Sessions read while nothing was written since
 * come from a {@link SessionCache}. Thread-safe.
 */
public final class SessionService {

  public static final String COOKIE = "USERDB_SESSION";

  /**
   * The session cookie's Set-Cookie value: the whole site ({@code Path=/}), so content Apache
   * guards with userdb sees it too; Secure only when the request came over TLS.
   */
  public static String cookie(String token, long maxAgeSeconds, boolean secure) {
    return COOKIE
        + "="
        + token
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  /**
   * Enough for every browser and device a person uses; an attacker's sign-in loop stays bounded.
   */
  public static final int MAX_PER_USER = 20;

  private static final int TOKEN_LENGTH = 43;

  private final SecureRandom random = new SecureRandom();
  private final SessionCache cache;
  private final Duration idleTimeout;
  private final Duration maxAge;
  private final Duration touchInterval;
  private final Clock clock;

  public SessionService(
      Duration idleTimeout, Duration maxAge, Clock clock, MeterRegistry registry) {
    this.cache = new SessionCache(registry);
    this.idleTimeout = idleTimeout;
    this.maxAge = maxAge;
    Duration quarter = idleTimeout.dividedBy(4);
    this.touchInterval = quarter.compareTo(TOUCH_INTERVAL) < 0 ? quarter : TOUCH_INTERVAL;
    this.clock = clock;
  }

  /**
   * Starts a session for {@code user}, recorded in the audit log as {@code origin}'s doing; returns
   * the token for the cookie.
   */
  public String start(UserDatabase db, User user, AuditOrigin origin) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String hash = hash(token);
    Instant now = clock.instant();
    db.createSession(
        hash,
        user.id(),
        now,
        now.plus(maxAge),
        now.plus(idleTimeout),
        MAX_PER_USER,
        AuditEvent.success(AuditAction.SESSION_CREATED, origin, user.id(), user.username())
            .with("session", AuditEvent.sessionName(hash)));
    return token;
  }

  /**
   * The caller a token belongs to, if the session is live and its user enabled. A session found in
   * the cache under the current {@link DatabaseAccess#dataVersion()} needs no database object.
   */
  public Optional<Caller> resume(DatabaseAccess access, String token) {
    return resume(access, token, null);
  }

  /**
   * As {@link #resume(DatabaseAccess, String)}; a session found ended by time is removed and its
   * expiry recorded as noticed by {@code noticedBy} (who sent the token), once: the row goes with
   * the record, so sending the token again records nothing more.
   */
  public Optional<Caller> resume(
      DatabaseAccess access, String token, Supplier<AuditOrigin> noticedBy) {
    if (!isWellFormed(token)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant idleSince = now.minus(idleTimeout);
    String hash = hash(token);
    long version = access.dataVersion();
    SessionRecord session = cache.get(hash, version);
    // A cached copy that looks idle is read again before it is refused: another backend may have
    // used the session since, and its touches are not announced (they change no answer).
    if (session == null || !isLive(session, now, idleSince)) {
      Optional<SessionRecord> found = access.db().findSession(hash, now);
      if (found.isEmpty()) {
        noticeEnded(access, hash, now, idleSince, noticedBy);
        return Optional.empty();
      }
      session = found.get();
      cache.put(version, session);
    }
    if (!isLive(session, now, idleSince)) { // idle by a timeout set shorter since it began
      noticeEnded(access, hash, now, idleSince, noticedBy);
      return Optional.empty();
    }
    if (session.user().disabled()) {
      return Optional.empty();
    }
    if (session.lastSeenAt().plus(touchInterval).isBefore(now)) {
      access.db().touchSession(hash, now, now.plus(idleTimeout));
    }
    return Optional.of(Caller.of(session.user(), AuthMethod.SESSION, hash));
  }

  private static void noticeEnded(
      DatabaseAccess access,
      String hash,
      Instant now,
      Instant idleSince,
      Supplier<AuditOrigin> noticedBy) {
    if (noticedBy != null) {
      access.db().endExpiredSession(hash, now, idleSince, noticedBy.get());
    }
  }

  /**
   * The database's own test (findSession), to the millisecond, for a session read earlier; and the
   * idle timeout configured now, should a session's stored end come from a longer one.
   */
  private static boolean isLive(SessionRecord session, Instant now, Instant idleSince) {
    return session.endsAt().toEpochMilli() > now.toEpochMilli()
        && session.lastSeenAt().toEpochMilli() > idleSince.toEpochMilli();
  }

  /**
   * 43 base64url characters. A plain loop: on the hottest path of the service a regular expression
   * cost about a tenth of a request (seen in a JFR profile of GET /api/me).
   */
  static boolean isWellFormed(String token) {
    if (token == null || token.length() != TOKEN_LENGTH) {
      return false;
    }
    for (int i = 0; i < TOKEN_LENGTH; i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Signs out of the session {@code sessionHash} names. */
  public boolean revoke(UserDatabase db, String sessionHash, AuditOrigin origin) {
    return db.deleteSession(sessionHash, clock.instant(), ended(sessionHash, "sign_out", origin));
  }

  /**
   * Ends the session a client's token names, if any, as a sign-in replaces it; a malformed token
   * names none.
   */
  public void revokeToken(UserDatabase db, String token, AuditOrigin origin) {
    if (isWellFormed(token)) {
      String hash = hash(token);
      db.deleteSession(hash, clock.instant(), ended(hash, "replaced", origin));
    }
  }

  private static AuditEvent ended(String hash, String reason, AuditOrigin origin) {
    return AuditEvent.success(AuditAction.SESSION_ENDED, origin, null, null)
        .with("reason", reason)
        .with("session", AuditEvent.sessionName(hash));
  }

  /** Deletes sessions that ended; how many is recorded as {@code origin}'s (the service's). */
  public int deleteExpired(UserDatabase db, AuditOrigin origin) {
    Instant now = clock.instant();
    return db.deleteExpiredSessions(now, origin);
  }

  public Duration maxAge() {
    return maxAge;
  }

  static String hash(String token) {
    MessageDigest sha256 = SHA256.get();
    return HEX.formatHex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
  }

  /** One digest per request thread: looking one up costs more than hashing 43 bytes. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
          });

  private static final HexFormat HEX = HexFormat.of();
}
