package io.userdb.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the pool of {@link UserDatabase} objects behaves. Every commons-pool2 default that is
 * unsafe for a server (wait forever, never evict, never reclaim) is set here on purpose.
 *
 * @param maxTotal objects at most; 1 reproduces the original single-connection deployment
 * @param minIdle objects kept open while idle
 * @param maxWait how long a request waits for a free object before it gets 503
 * @param busyTimeout how long a statement waits for SQLite's write lock
 * @param abandonedTimeout a borrow held longer than this is reclaimed and logged
 * @param maxDatabaseBytes a quota for the database file (0: none); writes past it fail with
 *     {@link DatabaseFullException}, exactly as they would on a full disk
 * @param changeCheckInterval how old a look for other processes' commits may be before a cached
 *     read asks SQLite again ({@link UserDatabasePool.Access#dataVersion()}); zero asks every
 *     time. Bounds how long a change made by another process (the CLI, a second backend on the
 *     file) takes to reach answers served from memory; changes made here reach them at once.
 */
public record PoolSettings(
    Path databaseFile,
    int maxTotal,
    int minIdle,
    Duration maxWait,
    Duration busyTimeout,
    Duration abandonedTimeout,
    long maxDatabaseBytes,
    Duration changeCheckInterval) {

  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_ABANDONED_TIMEOUT = Duration.ofSeconds(120);
  static final Duration EVICTION_INTERVAL = Duration.ofSeconds(30);
  /** Idle objects above minIdle are closed after this long unused. */
  static final Duration SOFT_MIN_EVICTABLE_IDLE = Duration.ofMinutes(5);
  /**
   * Far below what a person notices (Apache's own credential cache, mod_authn_socache, trusts
   * for 300 s), yet at thousands of requests a second it spares nearly every cached read its
   * visit to SQLite: 10-25 us, and through Apache at 6.6k req/s 1 ms still left 4.4 us of it
   * on every request (bench/profile.sh).
   */
  public static final Duration DEFAULT_CHANGE_CHECK_INTERVAL = Duration.ofMillis(10);

  public PoolSettings(
      Path databaseFile, int maxTotal, int minIdle, Duration maxWait, Duration busyTimeout, Duration abandonedTimeout) {
    this(databaseFile, maxTotal, minIdle, maxWait, busyTimeout, abandonedTimeout, 0,
        DEFAULT_CHANGE_CHECK_INTERVAL);
  }

  public PoolSettings {
    if (maxTotal < 1) {
      throw new IllegalArgumentException("pool max total must be at least 1");
    }
    if (minIdle < 0 || minIdle > maxTotal) {
      throw new IllegalArgumentException("pool min idle must be between 0 and max total");
    }
    if (changeCheckInterval.isNegative()) {
      throw new IllegalArgumentException("change check interval must not be negative");
    }
  }
}
