package io.userdb.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.LoginAttempt;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks passwords with lockout. Every attempt is counted before its slow hash runs, in the store
 * (per account, per name with no account, per client address; each atomically), so parallel guesses
 * each take a number and those past the policy's threshold are refused without hashing, and several
 * backends on one store share every count. Known and unknown names go through the same steps and
 * answers: an unknown name is checked against a dummy hash. A legacy hash that verifies is upgraded
 * to Argon2id on the spot. Every check is recorded in the audit log, with how it was asked for and
 * why it failed; a lock it sets, in the transaction that sets it. Thread-safe.
 */
public final class LoginService {

  /** How a password reached the check, as the audit log names it. */
  public enum Method {
    /** A sign-in form: {@code POST /api/session}. */
    PASSWORD,
    /** HTTP Basic credentials on a request. */
    BASIC,
    /** The current password a user gives to change it. */
    CURRENT_PASSWORD;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Client addresses forget their count after this long without an attempt. */
  static final Duration ADDRESS_MEMORY = Duration.ofMinutes(15);

  private final PasswordHasher hasher;
  private final LockoutPolicy policy;
  private final LockoutPolicy perAddress;
  private final Clock clock;
  private final AuditCoalescer coalescer;
  private final Counter successes;
  private final Counter failures;
  private final Counter locked;
  private final Counter hashChecks;

  public LoginService(
      PasswordHasher hasher,
      LockoutPolicy policy,
      LockoutPolicy perAddress,
      Clock clock,
      MeterRegistry registry) {
    this(hasher, policy, perAddress, clock, registry, new AuditCoalescer(clock));
  }

  /**
   * @param coalescer keeps sign-ins refused by a lock (429s, which anyone can repeat at request
   *     rate) from writing the audit log at that rate; shared with the rest of the process
   */
  public LoginService(
      PasswordHasher hasher,
      LockoutPolicy policy,
      LockoutPolicy perAddress,
      Clock clock,
      MeterRegistry registry,
      AuditCoalescer coalescer) {
    this.hasher = hasher;
    this.coalescer = coalescer;
    this.policy = policy;
    this.perAddress = perAddress;
    this.clock = clock;
    this.successes = loginCounter(registry, "success");
    this.failures = loginCounter(registry, "failure");
    this.locked = loginCounter(registry, "locked");
    this.hashChecks =
        Counter.builder("userdb.password.checks")
            .description("Slow password hash verifications run for sign-ins (dummy ones included)")
            .register(registry);
  }

  private static Counter loginCounter(MeterRegistry registry, String outcome) {
    return Counter.builder("userdb.logins")
        .description("Password checks by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Checks a password. The database object is let go while the hash is verified (and while a legacy
   * hash is rehashed), so slow hashing never holds a pooled object.
   *
   * @param origin who asks and from where: its client address is the per-address limit's key
   *     ({@link ClientAddresses#keyOf}); null for none (the CLI, run by whoever owns the database
   *     file)
   */
  public LoginResult login(
      DatabaseAccess access, String username, String password, AuditOrigin origin, Method method) {
    long started = System.nanoTime();
    LoginResult result = attempt(access, username, password, new Check(origin, method, username));
    if (result instanceof LoginResult.Failure) {
      answerNoSoonerThan(started, hasher.slowestCheck());
    }
    return result;
  }

  /**
   * Holds a failure until the slowest kind of hash here would have been checked: the hash an
   * account happens to have (an import's cheap {SHA}, a costly bcrypt) then says nothing about
   * whether the account exists. Sleeping costs a thread, not a core, and no database object.
   */
  private static void answerNoSoonerThan(long started, Duration floor) {
    long left = floor.toNanos() - (System.nanoTime() - started);
    if (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One check as the audit log tells it: who asked, how, and for which name. */
  private record Check(AuditOrigin origin, Method method, String username) {

    AuditEvent login(boolean success, Long id, String name) {
      return new AuditEvent(
              AuditAction.USER_LOGIN,
              success,
              success ? origin.as(id, name) : origin,
              id,
              name,
              java.util.Map.of())
          .with("method", method.id());
    }

    /** A failure for the name as typed, or as its account spells it when there is one. */
    AuditEvent failed(User account, String reason) {
      return account == null
          ? login(false, null, username).with("reason", reason)
          : login(false, account.id(), account.username()).with("reason", reason);
    }

    AuditEvent locked(AuditAction action, Long id, String name) {
      return AuditEvent.success(action, origin, id, name).with("method", method.id());
    }
  }

  private LoginResult attempt(DatabaseAccess access, String username, String password, Check c) {
    Instant now = clock.instant();
    if (!AccountRules.isAcceptableLength(password)) {
      failures.increment(); // no account has such a password: nothing to hash, nothing to count
      recordRefused( // per name tried, as a wrong password would be
          access.db(),
          c.failed(null, "invalid_password"),
          "invalid_password:" + String.valueOf(username).toLowerCase(Locale.ROOT));
      return new LoginResult.Failure();
    }
    String clientAddress = c.origin().clientAddress();
    Instant addressLockSet = Instant.EPOCH;
    if (clientAddress != null) {
      LoginAttempt address =
          access
              .db()
              .reserveLimitedAttempt(
                  addressKey(clientAddress),
                  now,
                  now.minus(ADDRESS_MEMORY),
                  count -> perAddress.lockedUntil(count, now),
                  c.locked(AuditAction.ADDRESS_LOCKED, null, null));
      if (!address.reserved()) { // refused before any hashing
        return lockedFor(access, address.lockedUntil(), now, c.failed(null, "address_locked"));
      }
      addressLockSet = address.lockedUntil();
    }
    LoginResult result = check(access, username, password, now, c);
    if (result instanceof LoginResult.Success && clientAddress != null) {
      access
          .db()
          .releaseLimitedAttempt(
              addressKey(clientAddress),
              addressLockSet,
              clock.instant(),
              c.locked(AuditAction.ADDRESS_UNLOCKED, null, null));
    }
    return result;
  }

  private LoginResult check(
      DatabaseAccess access, String username, String password, Instant now, Check c) {
    Optional<User> found = access.db().findUser(username);
    if (found.isEmpty()) {
      return loginUnknown(access, username, password, now, c);
    }
    User user = found.get();
    LoginAttempt attempt =
        access
            .db()
            .reserveLoginAttempt(
                user.id(),
                now,
                count -> policy.lockedUntil(count, now),
                c.locked(AuditAction.USER_LOCKED, user.id(), user.username()));
    access.release();
    if (!attempt.reserved()) {
      return attempt.lockedUntil().isAfter(now)
          ? lockedFor(access, attempt.lockedUntil(), now, c.failed(user, "locked"))
          : loginUnknown(access, username, password, now, c); // deleted meanwhile
    }
    hashChecks.increment();
    boolean matches = hasher.verify(password, user.passwordHash());
    if (!matches || user.disabled()) {
      failures.increment();
      return failed(
          access, c.failed(user, matches ? "disabled" : "wrong_password"), clock.instant());
    }
    String upgraded = hasher.needsRehash(user.passwordHash()) ? hasher.hash(password) : null;
    Instant done = clock.instant();
    access.db().recordLoginSuccess(user.id(), done, c.login(true, user.id(), user.username()));
    if (upgraded != null) {
      access
          .db()
          .upgradePasswordHash(
              user.id(),
              user.passwordHash(),
              upgraded,
              done,
              AuditEvent.success(
                      AuditAction.USER_HASH_UPGRADED,
                      c.origin().as(user.id(), user.username()),
                      user.id(),
                      user.username())
                  .with("from", PasswordHasher.schemeOf(user.passwordHash())));
      user = user.withPasswordHash(upgraded);
    }
    successes.increment();
    return new LoginResult.Success(user);
  }

  /**
   * As an account's check, against a dummy hash, counted under the name as an account's would be.
   */
  private LoginResult loginUnknown(
      DatabaseAccess access, String username, String password, Instant now, Check c) {
    // Never forgotten, as an account's counter is not.
    LoginAttempt attempt =
        access
            .db()
            .reserveLimitedAttempt(
                nameKey(username),
                now,
                Instant.EPOCH,
                count -> policy.lockedUntil(count, now),
                c.locked(AuditAction.USER_LOCKED, null, username).with("unknown_user", true));
    access.release();
    if (!attempt.reserved()) {
      return lockedFor(access, attempt.lockedUntil(), now, c.failed(null, "locked"));
    }
    hashChecks.increment();
    hasher.verifyDummy(password);
    failures.increment();
    return failed(access, c.failed(null, "unknown_user"), clock.instant());
  }

  /**
   * A sign-in refused by a lock, recorded coalesced: an address's lock by address, an account's by
   * name and address.
   */
  private LoginResult lockedFor(DatabaseAccess access, Instant until, Instant now, AuditEvent e) {
    locked.increment();
    String on =
        "address_locked".equals(e.fields().get("reason"))
            ? "address"
            : "name:" + String.valueOf(e.targetName()).toLowerCase(Locale.ROOT);
    recordCoalesced(access.db(), e, on, now);
    return new LoginResult.Locked(Duration.between(now, until));
  }

  /**
   * Records a failed sign-in that costs its sender nothing and comes before any limit (a name or
   * password no account can have, a proxy user refused), coalesced per {@code on} (what it was
   * about, without what the sender can vary at will) and client address: the first one, then one a
   * minute, or anyone could write the log at request rate.
   */
  public void recordRefused(UserDatabase db, AuditEvent failure, String on) {
    recordCoalesced(db, failure, on, clock.instant());
  }

  /**
   * Records credentials refused before any account is looked at (a name no account can have, Basic
   * that does not decode): without what was sent, as a name there may be a password typed in the
   * wrong field, and coalesced per {@code reason}.
   */
  public void recordRefusedUnread(
      UserDatabase db, AuditOrigin origin, Method method, String reason) {
    recordRefused(
        db,
        AuditEvent.failure(AuditAction.USER_LOGIN, origin, null, null)
            .with("method", method.id())
            .with("reason", reason),
        reason);
  }

  private void recordCoalesced(UserDatabase db, AuditEvent event, String on, Instant now) {
    coalescer.record(event, on, recorded -> db.appendAudit(recorded, now));
  }

  private static LoginResult failed(DatabaseAccess access, AuditEvent event, Instant now) {
    access.db().appendAudit(event, now);
    return new LoginResult.Failure();
  }

  /** A name that was unknown now has an account: its count as a name ends. */
  public void accountCreated(UserDatabase db, String username) {
    db.forgetLimit(nameKey(username));
  }

  /** Drops limits nobody is locked out by and that nobody used for a while. */
  public int deleteStaleLimits(UserDatabase db) {
    Instant now = clock.instant();
    return db.deleteStaleLimits(now, now.minus(ADDRESS_MEMORY));
  }

  private static String addressKey(String clientAddress) {
    return "address:" + clientAddress;
  }

  private static String nameKey(String username) {
    return "name:" + username.toLowerCase(Locale.ROOT);
  }
}
