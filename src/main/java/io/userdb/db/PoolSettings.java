package io.userdb.db;

import java.time.Duration;

/**
 * How the pool of {@link UserDatabase} objects behaves, whatever the store. Every commons-pool2
 * default that is unsafe for a server (wait forever, never evict, never reclaim) is set here on
 * purpose. Built with {@link #builder()}.
 *
 * @param maxTotal objects at most; 1 reproduces the original single-connection deployment
 * @param minIdle objects kept open while idle
 * @param maxWait how long a request waits for a free object before it gets 503
 * @param abandonedTimeout a borrow held longer than this is reclaimed and logged
 * @param changeCheckInterval how old a look for other processes' commits may be before a cached
 *     read asks the store again ({@link UserDatabasePool.Access#dataVersion()}); zero asks every
 *     time. Bounds how long a change made by another process (the CLI, a second backend) takes to
 *     reach answers served from memory; changes made here reach them at once.
 */
public record PoolSettings(
    int maxTotal,
    int minIdle,
    Duration maxWait,
    Duration abandonedTimeout,
    Duration changeCheckInterval) {

  public static final int DEFAULT_MAX_TOTAL = 8;
  public static final int DEFAULT_MIN_IDLE = 1;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_ABANDONED_TIMEOUT = Duration.ofSeconds(120);
  static final Duration EVICTION_INTERVAL = Duration.ofSeconds(30);

  /** Idle objects above minIdle are closed after this long unused. */
  static final Duration SOFT_MIN_EVICTABLE_IDLE = Duration.ofMinutes(5);

  /**
   * Far below what a person notices (Apache's own credential cache, mod_authn_socache, trusts for
   * 300 s), yet at thousands of requests a second it spares nearly every cached read its visit to
   * the store (docs/PERFORMANCE.md).
   */
  public static final Duration DEFAULT_CHANGE_CHECK_INTERVAL = Duration.ofMillis(10);

  public PoolSettings {
    if (maxTotal < 1) {
      throw new IllegalArgumentException("pool max total must be at least 1");
    }
    if (minIdle < 0 || minIdle > maxTotal) {
      throw new IllegalArgumentException("pool min idle must be between 0 and max total");
    }
    if (maxWait.isNegative() || maxWait.isZero() || abandonedTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "pool max wait must be positive, abandoned timeout not negative");
    }
    if (changeCheckInterval.isNegative()) {
      throw new IllegalArgumentException("change check interval must not be negative");
    }
  }

  /** The defaults, each changed by name. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link PoolSettings}; every field starts at its default. */
  public static final class Builder {
    private int maxTotal = DEFAULT_MAX_TOTAL;
    private int minIdle = DEFAULT_MIN_IDLE;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private Duration abandonedTimeout = DEFAULT_ABANDONED_TIMEOUT;
    private Duration changeCheckInterval = DEFAULT_CHANGE_CHECK_INTERVAL;

    private Builder() {}

    public Builder maxTotal(int objects) {
      this.maxTotal = objects;
      return this;
    }

    public Builder minIdle(int objects) {
      this.minIdle = objects;
      return this;
    }

    public Builder maxWait(Duration wait) {
      this.maxWait = wait;
      return this;
    }

    public Builder abandonedTimeout(Duration timeout) {
      this.abandonedTimeout = timeout;
      return this;
    }

    public Builder changeCheckInterval(Duration interval) {
      this.changeCheckInterval = interval;
      return this;
    }

    public PoolSettings build() {
      return new PoolSettings(maxTotal, minIdle, maxWait, abandonedTimeout, changeCheckInterval);
    }
  }
}
