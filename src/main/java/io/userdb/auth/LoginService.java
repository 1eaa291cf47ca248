package io.userdb.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * to Argon2id on the spot. Thread-safe.
 */
public final class LoginService {

  /** Client addresses forget their count after this long without an attempt. */
  static final Duration ADDRESS_MEMORY = Duration.ofMinutes(15);

  private final PasswordHasher hasher;
  private final LockoutPolicy policy;
  private final LockoutPolicy perAddress;
  private final Clock clock;
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
    this.hasher = hasher;
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
   * @param clientAddress the per-address limit's key ({@link ClientAddresses#keyOf}); null for none
   *     (the CLI, run by whoever owns the database file)
   */
  public LoginResult login(
      DatabaseAccess access, String username, String password, String clientAddress) {
    long started = System.nanoTime();
    LoginResult result = attempt(access, username, password, clientAddress);
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

  private LoginResult attempt(
      DatabaseAccess access, String username, String password, String clientAddress) {
    Instant now = clock.instant();
    if (!AccountRules.isAcceptableLength(password)) {
      failures.increment(); // no account has such a password: nothing to hash, nothing to count
      return new LoginResult.Failure();
    }
    if (clientAddress != null) {
      LoginAttempt address =
          access
              .db()
              .reserveLimitedAttempt(
                  addressKey(clientAddress),
                  now,
                  now.minus(ADDRESS_MEMORY),
                  count -> perAddress.lockedUntil(count, now));
      if (!address.reserved()) {
        return lockedFor(address.lockedUntil(), now); // refused before any hashing
      }
    }
    LoginResult result = check(access, username, password, now);
    if (result instanceof LoginResult.Success && clientAddress != null) {
      access.db().releaseLimitedAttempt(addressKey(clientAddress));
    }
    return result;
  }

  private LoginResult check(DatabaseAccess access, String username, String password, Instant now) {
    Optional<User> found = access.db().findUser(username);
    if (found.isEmpty()) {
      return loginUnknown(access, username, password, now);
    }
    User user = found.get();
    LoginAttempt attempt =
        access.db().reserveLoginAttempt(user.id(), now, count -> policy.lockedUntil(count, now));
    access.release();
    if (!attempt.reserved()) {
      return attempt.lockedUntil().isAfter(now)
          ? lockedFor(attempt.lockedUntil(), now)
          : loginUnknown(access, username, password, now); // deleted meanwhile
    }
    hashChecks.increment();
    boolean matches = hasher.verify(password, user.passwordHash());
    if (!matches || user.disabled()) {
      failures.increment();
      return new LoginResult.Failure();
    }
    String upgraded = hasher.needsRehash(user.passwordHash()) ? hasher.hash(password) : null;
    access.db().recordLoginSuccess(user.id());
    if (upgraded != null) {
      access.db().upgradePasswordHash(user.id(), user.passwordHash(), upgraded);
      user = user.withPasswordHash(upgraded);
    }
    successes.increment();
    return new LoginResult.Success(user);
  }

  /**
   * As an account's check, against a dummy hash, counted under the name as an account's would be.
   */
  private LoginResult loginUnknown(
      DatabaseAccess access, String username, String password, Instant now) {
    // Never forgotten, as an account's counter is not.
    LoginAttempt attempt =
        access
            .db()
            .reserveLimitedAttempt(
                nameKey(username), now, Instant.EPOCH, count -> policy.lockedUntil(count, now));
    access.release();
    if (!attempt.reserved()) {
      return lockedFor(attempt.lockedUntil(), now);
    }
    hashChecks.increment();
    hasher.verifyDummy(password);
    failures.increment();
    return new LoginResult.Failure();
  }

  private LoginResult lockedFor(Instant until, Instant now) {
    locked.increment();
    return new LoginResult.Locked(Duration.between(now, until));
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
