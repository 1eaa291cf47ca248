package io.userdb.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What verifying each kind of stored hash costs here (scheme and cost parameters: Argon2id at its
 * parameters, bcrypt per cost, SHA-crypt per rounds, {SHA}, $apr1$), as a moving average of the
 * time spent hashing. A kind is known from its first verification after start. Thread-safe.
 */
final class HashCosts {

  /** A failure is never held longer than this, whatever hash an import brought in. */
  static final Duration MAX = Duration.ofSeconds(2);

  private final ConcurrentHashMap<String, Long> nanosByKind = new ConcurrentHashMap<>();

  void record(String stored, long nanos) {
    nanosByKind.merge(kindOf(stored), nanos, (old, sample) -> (old * 7 + sample) / 8);
  }

  Duration slowest() {
    long most = nanosByKind.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return Duration.ofNanos(Math.min(most, MAX.toNanos()));
  }

  /** The part of a stored hash that decides its cost: everything before the salt. */
  static String kindOf(String stored) {
    if (stored.startsWith("$argon2id$")) {
      return prefixThrough(stored, 4); //      $argon2id$v=19$m=..,t=..,p=..$
    }
    if (stored.startsWith("$2")) {
      return prefixThrough(stored, 3); //      $2y$12$
    }
    if ((stored.startsWith("$5$") || stored.startsWith("$6$")) && stored.startsWith("rounds=", 3)) {
      return prefixThrough(stored, 3); //      $6$rounds=N$
    }
    if (stored.startsWith("$")) {
      return prefixThrough(stored, 2); //      $apr1$, $5$, $6$
    }
    return stored.startsWith("{SHA}") ? "{SHA}" : "other";
  }

  private static String prefixThrough(String stored, int dollars) {
    int at = -1;
    for (int i = 0; i < dollars; i++) {
      at = stored.indexOf('$', at + 1);
      if (at < 0) {
        return stored.length() > 16 ? stored.substring(0, 16) : stored;
      }
    }
    return stored.substring(0, at + 1);
  }
}
