package io.userdb.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins kept in memory, by key, locking out under a {@link LockoutPolicy}. Two uses:
 * names that have no account (so guessing names locks out exactly like guessing passwords, and
 * an attacker cannot tell the two apart by lockout), and client addresses (so one address
 * cannot try passwords against many accounts, each below its own lockout threshold).
 * A key's count starts over after {@link #FORGET_AFTER} without a failure. Bounded: when full,
 * entries whose lock has passed are dropped first. Thread-safe.
 */
final class FailureTracker {

  static final Duration FORGET_AFTER = Duration.ofMinutes(15);
  private static final int MAX_ENTRIES = 10_000;

  private record Entry(int failures, Instant lastFailure, Instant lockedUntil) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final LockoutPolicy policy;

  FailureTracker(LockoutPolicy policy) {
    this.policy = policy;
  }

  Instant lockedUntil(String key) {
    Entry entry = entries.get(normal(key));
    return entry == null ? Instant.EPOCH : entry.lockedUntil();
  }

  void recordFailure(String key, Instant now) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(e -> e.lockedUntil().isBefore(now));
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.compute(
        normal(key),
        (k, old) -> {
          boolean fresh = old == null || old.lastFailure().plus(FORGET_AFTER).isBefore(now);
          int failures = fresh ? 1 : old.failures() + 1;
          return new Entry(failures, now, policy.lockedUntil(failures, now));
        });
  }

  void forget(String key) {
    entries.remove(normal(key));
  }

  private static String normal(String key) {
    return key.toLowerCase(Locale.ROOT);
  }
}
