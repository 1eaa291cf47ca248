package io.userdb.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Password checks counted in memory, by key, locking out under a {@link LockoutPolicy}, with the
 * same reserve-before-hashing rule as an account's counter in the store. Two uses: names that have
 * no account (so they lock exactly like accounts, and lockout does not tell the two apart), and
 * client addresses (so one address cannot spread guesses over many accounts).
 *
 * <p>Bounded: when full, entries whose lock has passed and that are not locked go first, oldest
 * first; an active lock is never dropped to make room (then the new key goes uncounted, and the
 * account's own lock still holds). Thread-safe.
 */
final class FailureTracker {

  static final int MAX_ENTRIES = 100_000;

  private record Entry(int attempts, Instant lastAttempt, Instant lockedUntil) {}

  /** The outcome of {@link #reserve}: whether the check may run, and the lock in force or set. */
  record Reservation(boolean reserved, Instant lockedUntil) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final LockoutPolicy policy;
  private final Duration forgetAfter;
  private final int maxEntries;

  /**
   * @param forgetAfter a key's count starts over after this long without an attempt; null: never,
   *     as an account's counter in the store
   */
  FailureTracker(LockoutPolicy policy, Duration forgetAfter, int maxEntries) {
    this.policy = policy;
    this.forgetAfter = forgetAfter;
    this.maxEntries = maxEntries;
  }

  /**
   * Counts one check for {@code key} before it runs, unless the key is locked at {@code now}; a
   * count that reaches the policy's threshold sets the lock at once, so parallel checks past it are
   * refused without hashing.
   */
  Reservation reserve(String key, Instant now) {
    String k = normal(key);
    if (!entries.containsKey(k) && entries.size() >= maxEntries && !makeRoom(now)) {
      return new Reservation(true, Instant.EPOCH); // full of active locks: uncounted
    }
    Reservation[] outcome = new Reservation[1];
    entries.compute(
        k,
        (ignored, old) -> {
          if (old != null && old.lockedUntil().isAfter(now)) {
            outcome[0] = new Reservation(false, old.lockedUntil());
            return old;
          }
          boolean fresh =
              old == null
                  || (forgetAfter != null && old.lastAttempt().plus(forgetAfter).isBefore(now));
          int attempts = fresh ? 1 : old.attempts() + 1;
          Instant lock = policy.lockedUntil(attempts, now);
          outcome[0] = new Reservation(true, lock);
          return new Entry(attempts, now, lock);
        });
    return outcome[0];
  }

  /** The reserved check succeeded: it does not count (a lock already set stays). */
  void succeeded(String key) {
    entries.computeIfPresent(
        normal(key),
        (k, old) ->
            new Entry(Math.max(0, old.attempts() - 1), old.lastAttempt(), old.lockedUntil()));
  }

  void forget(String key) {
    entries.remove(normal(key));
  }

  int size() {
    return entries.size();
  }

  /** Drops unlocked entries, the longest unused first, down to 90% of the bound. */
  private synchronized boolean makeRoom(Instant now) {
    if (entries.size() < maxEntries) {
      return true;
    }
    entries.entrySet().stream()
        .filter(e -> !e.getValue().lockedUntil().isAfter(now))
        .sorted(Comparator.comparing(e -> e.getValue().lastAttempt()))
        .limit(Math.max(1, entries.size() - maxEntries * 9L / 10))
        .map(Map.Entry::getKey)
        .toList()
        .forEach(entries::remove);
    return entries.size() < maxEntries;
  }

  private static String normal(String key) {
    return key.toLowerCase(Locale.ROOT);
  }
}
