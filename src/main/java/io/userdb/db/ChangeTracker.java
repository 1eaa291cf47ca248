package io.userdb.db;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The number behind {@link UserDatabase#dataVersion()} for one store in this process: it moves
 * after every commit made through any object on the store, and whenever one of them sees (by the
 * store's own means) that another process committed.
 *
 * <p>It also notes when the last such look at the store began. Every commit made elsewhere before
 * that moment is counted already, so a caller content with a view of other processes' commits a
 * moment old may take {@link #versionIfLookedWithin} and skip the store (and the pool) entirely;
 * commits made here are counted at once whatever the age.
 *
 * <p>One per store, shared by every object that opens it (see {@link UserStore#changes()}).
 * Thread-safe.
 */
public final class ChangeTracker {

  /** {@link #versionIfLookedWithin}'s answer when nobody looked recently enough. */
  public static final long UNKNOWN = -1;

  private final AtomicLong version = new AtomicLong();

  /** System.nanoTime() when the latest look began; at first far enough back to be too old. */
  private final AtomicLong lookedAt = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

  /** Counts a change: a commit made here, or one seen made elsewhere. */
  public long changed() {
    return version.incrementAndGet();
  }

  public long version() {
    return version.get();
  }

  /**
   * Records a look at the store that began at {@code startedNanos} and has been counted. Looks that
   * end out of order keep the latest start.
   */
  public void looked(long startedNanos) {
    lookedAt.accumulateAndGet(startedNanos, (a, b) -> b - a > 0 ? b : a);
  }

  /** The version, if a look began less than {@code maxAge} ago; else {@link #UNKNOWN}. */
  public long versionIfLookedWithin(Duration maxAge) {
    long age = System.nanoTime() - lookedAt.get(); // read before the version: looked() writes after
    return age < maxAge.toNanos() ? version.get() : UNKNOWN;
  }
}
