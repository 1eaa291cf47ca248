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
 */
public record PoolSettings(
    Path databaseFile,
    int maxTotal,
    int minIdle,
    Duration maxWait,
    Duration busyTimeout,
    Duration abandonedTimeout,
    long maxDatabaseBytes) {

  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_ABANDONED_TIMEOUT = Duration.ofSeconds(120);
  static final Duration EVICTION_INTERVAL = Duration.ofSeconds(30);
  /** Idle objects above minIdle are closed after this long unused. */
  static final Duration SOFT_MIN_EVICTABLE_IDLE = Duration.ofMinutes(5);

  public PoolSettings(
      Path databaseFile, int maxTotal, int minIdle, Duration maxWait, Duration busyTimeout, Duration abandonedTimeout) {
    this(databaseFile, maxTotal, minIdle, maxWait, busyTimeout, abandonedTimeout, 0);
  }

  public PoolSettings {
    if (maxTotal < 1) {
      throw new IllegalArgumentException("pool max total must be at least 1");
    }
    if (minIdle < 0 || minIdle > maxTotal) {
      throw new IllegalArgumentException("pool min idle must be between 0 and max total");
    }
  }
}
