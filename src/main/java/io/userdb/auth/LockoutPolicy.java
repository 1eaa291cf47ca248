package io.userdb.auth;

import java.time.Duration;
import java.time.Instant;

/**
 * After {@code threshold} consecutive failures an account is locked for {@code firstDelay},
 * doubling with every further failure up to {@code maxDelay}.
 */
public record LockoutPolicy(int threshold, Duration firstDelay, Duration maxDelay) {

  public static final LockoutPolicy DEFAULT =
      new LockoutPolicy(5, Duration.ofSeconds(5), Duration.ofMinutes(15));

  /**
   * Per client address: {@code threshold} leaves room for a few users behind one NAT mistyping
   * their passwords, but not for one address working through a list of accounts. The delays are an
   * account's.
   */
  public static LockoutPolicy perAddress(int threshold) {
    return new LockoutPolicy(threshold, DEFAULT.firstDelay(), DEFAULT.maxDelay());
  }

  /** When an account with {@code failures} consecutive failures may try again. */
  public Instant lockedUntil(int failures, Instant now) {
    if (failures < threshold) {
      return Instant.EPOCH;
    }
    int doublings = Math.min(failures - threshold, 20);
    Duration delay = firstDelay.multipliedBy(1L << doublings);
    return now.plus(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
  }
}
