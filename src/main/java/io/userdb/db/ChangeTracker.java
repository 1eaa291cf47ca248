package io.userdb.db;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The number behind {@link UserDatabase#dataVersion()} for one database file in this process:
 * it moves after every commit made through any object on the file, and whenever one of them
 * sees (through SQLite's data_version) that another process committed.
 *
 * <p>It also notes when the last such look at SQLite began. Every commit made elsewhere before
 * that moment is counted already, so a caller content with a view of other processes' commits
 * a moment old may take {@link #versionIfLookedWithin} and skip SQLite (and the pool) entirely;
 * commits made here are counted at once whatever the age.
 *
 * <p>One per file, by its real path, shared by every object that opens it. Thread-safe.
 */
final class ChangeTracker {

  /** {@link #versionIfLookedWithin}'s answer when nobody looked recently enough. */
  static final long UNKNOWN = -1;

  private static final ConcurrentHashMap<Path, ChangeTracker> BY_FILE = new ConcurrentHashMap<>();

  private final AtomicLong version = new AtomicLong();
  /** System.nanoTime() when the latest look began; at first far enough back to be too old. */
  private final AtomicLong lookedAt = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

  private ChangeTracker() {}

  static ChangeTracker forFile(Path file) {
    return BY_FILE.computeIfAbsent(identity(file), path -> new ChangeTracker());
  }

  private static Path identity(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize(); // not there (yet): opening it will fail anyway
    }
  }

  /** Counts a change: a commit made here, or one seen made elsewhere. */
  long changed() {
    return version.incrementAndGet();
  }

  long version() {
    return version.get();
  }

  /**
   * Records a look at SQLite that began at {@code startedNanos} and has been counted. Looks
   * that end out of order keep the latest start.
   */
  void looked(long startedNanos) {
    lookedAt.accumulateAndGet(startedNanos, (a, b) -> b - a > 0 ? b : a);
  }

  /** The version, if a look began less than {@code maxAge} ago; else {@link #UNKNOWN}. */
  long versionIfLookedWithin(Duration maxAge) {
    long age = System.nanoTime() - lookedAt.get(); // read before the version: looked() writes after
    return age < maxAge.toNanos() ? version.get() : UNKNOWN;
  }
}
