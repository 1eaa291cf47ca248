package io.userdb.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userdb.db.User;
import io.userdb.db.DatabaseAccess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks passwords with lockout. Every attempt on an unlocked account costs one slow hash
 * verification, also for unknown users (against a dummy hash), so response time does not tell
 * whether a name exists. A legacy hash that verifies is upgraded to Argon2id on the spot.
 * Thread-safe.
 */
public final class LoginService {

  private final PasswordHasher hasher;
  private final LockoutPolicy policy;
  private final FailureTracker unknownUsers;
  private final FailureTracker addresses;
  private final Clock clock;
  private final Counter successes;
  private final Counter failures;
  private final Counter locked;

  public LoginService(
      PasswordHasher hasher, LockoutPolicy policy, LockoutPolicy perAddress, Clock clock, MeterRegistry registry) {
    this.hasher = hasher;
    this.policy = policy;
    this.unknownUsers = new FailureTracker(policy);
    this.addresses = new FailureTracker(perAddress);
    this.clock = clock;
    this.successes = loginCounter(registry, "success");
    this.failures = loginCounter(registry, "failure");
    this.locked = loginCounter(registry, "locked");
  }

  private static Counter loginCounter(MeterRegistry registry, String outcome) {
    return Counter.builder("userdb.logins")
        .description("Password checks by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Checks a password. The database object is let go while the hash is verified (and while
   * a legacy hash is rehashed), so slow hashing never holds a pooled object.
   *
   * @param clientAddress where the attempt comes from, for the per-address limit; null for
   *     none (the CLI, run by whoever owns the database file)
   */
  public LoginResult login(DatabaseAccess access, String username, String password, String clientAddress) {
    Instant now = clock.instant();
    if (clientAddress != null) {
      Instant until = addresses.lockedUntil(clientAddress);
      if (until.isAfter(now)) {
        return lockedFor(until, now); // refused before any hashing: an attack costs us nothing
      }
    }
    LoginResult result = check(access, username, password, now);
    if (result instanceof LoginResult.Failure && clientAddress != null) {
      addresses.recordFailure(clientAddress, now);
    }
    return result;
  }

  private LoginResult check(DatabaseAccess access, String username, String password, Instant now) {
    Optional<User> found = access.db().findUser(username);
    access.release();
    if (found.isEmpty()) {
      return loginUnknown(username, password, now);
    }
    User user = found.get();
    if (user.lockedUntil().isAfter(now)) {
      return lockedFor(user.lockedUntil(), now);
    }
    boolean matches = hasher.verify(password, user.passwordHash());
    if (!matches) {
      int count = user.failedLogins() + 1;
      access.db().recordLoginFailure(user.id(), count, policy.lockedUntil(count, now));
      failures.increment();
      return new LoginResult.Failure();
    }
    if (user.disabled()) {
      failures.increment();
      return new LoginResult.Failure();
    }
    String upgraded = hasher.needsRehash(user.passwordHash()) ? hasher.hash(password) : null;
    if (user.failedLogins() > 0) {
      access.db().recordLoginSuccess(user.id());
    }
    if (upgraded != null) {
      access.db().upgradePasswordHash(user.id(), user.passwordHash(), upgraded);
      user = user.withPasswordHash(upgraded);
    }
    successes.increment();
    return new LoginResult.Success(user);
  }

  private LoginResult loginUnknown(String username, String password, Instant now) {
    Instant until = unknownUsers.lockedUntil(username);
    if (until.isAfter(now)) {
      return lockedFor(until, now);
    }
    hasher.verifyDummy(password);
    unknownUsers.recordFailure(username, now);
    failures.increment();
    return new LoginResult.Failure();
  }

  private LoginResult lockedFor(Instant until, Instant now) {
    locked.increment();
    return new LoginResult.Locked(Duration.between(now, until));
  }

  /** A name that was unknown now has an account. */
  public void accountCreated(String username) {
    unknownUsers.forget(username);
  }
}
