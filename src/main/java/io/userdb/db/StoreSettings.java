package io.userdb.db;

import java.time.Duration;

/**
 * What opening a store needs, whatever its kind.
 *
 * @param location where the store is: a file path or a URL, as given in {@code --db}
 * @param lockWait how long a statement waits for a lock another writer holds before it fails
 * @param maxBytes a quota for the store's size where the kind supports one (0: none); writes past
 *     it fail with {@link DatabaseFullException}, exactly as they would on a full disk
 * @param create whether a missing store is created (the server) or refused (the admin commands: a
 *     mistyped location would otherwise leave an empty store behind)
 * @param password for a store on a server, or null; never printed
 */
public record StoreSettings(
    String location, Duration lockWait, long maxBytes, boolean create, String password) {

  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

  public StoreSettings {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("a store location must not be empty");
    }
    if (lockWait.isNegative() || maxBytes < 0) {
      throw new IllegalArgumentException("lock wait and max bytes must not be negative");
    }
  }

  /** An existing store at {@code location}, with the default lock wait and no quota. */
  public static StoreSettings existing(String location) {
    return new StoreSettings(location, DEFAULT_LOCK_WAIT, 0, false, null);
  }

  /** The same, created if missing. */
  public StoreSettings creatingIt() {
    return new StoreSettings(location, lockWait, maxBytes, true, password);
  }

  public StoreSettings withLockWait(Duration wait) {
    return new StoreSettings(location, wait, maxBytes, create, password);
  }

  public StoreSettings withMaxBytes(long bytes) {
    return new StoreSettings(location, lockWait, bytes, create, password);
  }

  public StoreSettings withPassword(String secret) {
    return new StoreSettings(location, lockWait, maxBytes, create, secret);
  }

  /** The location with any password in a URL's user-info or parameters masked, for messages. */
  public String redactedLocation() {
    return location
        .replaceAll("(?i)(password=)[^&;]*", "$1****")
        .replaceAll("(//[^/:@]*:)[^@/]*@", "$1****@");
  }

  @Override
  public String toString() {
    return "StoreSettings["
        + redactedLocation()
        + ", lockWait="
        + lockWait
        + ", maxBytes="
        + maxBytes
        + ", create="
        + create
        + ", password="
        + (password == null ? "none" : "****")
        + "]";
  }
}
