package io.userdb.auth;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins for names that have no account, kept in memory so that guessing names locks
 * out exactly like guessing passwords (an attacker cannot tell the two apart by lockout).
 * Bounded: when full, entries whose lock has passed are dropped first.
 */
final class UnknownUserFailures {

  private static final int MAX_ENTRIES = 10_000;

  private record Entry(int failures, Instant lockedUntil) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final LockoutPolicy policy;

  UnknownUserFailures(LockoutPolicy policy) {
    this.policy = policy;
  }

  Instant lockedUntil(String username) {
    Entry entry = entries.get(key(username));
    return entry == null ? Instant.EPOCH : entry.lockedUntil();
  }

  void recordFailure(String username, Instant now) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(e -> e.lockedUntil().isBefore(now));
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.compute(
        key(username),
        (k, old) -> {
          int failures = old == null ? 1 : old.failures() + 1;
          return new Entry(failures, policy.lockedUntil(failures, now));
        });
  }

  /** The name became a real account: its record now counts. */
  void forget(String username) {
    entries.remove(key(username));
  }

  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
