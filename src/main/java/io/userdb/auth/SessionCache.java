package io.userdb.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userdb.db.SessionRecord;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions as last read from the database, each trusted only under the data version it was read at
 * ({@link io.userdb.db.DatabaseAccess#dataVersion()}): any commit since makes every entry miss, so
 * a revoked session, a disabled user or a changed role is seen by the very next request when the
 * change was made through this process, and within the change-check interval when made by another.
 * What it saves is the join of session and user, and through the pool even the visit to the store,
 * on requests that come while nothing is written: the common case for {@code GET /api/me}. Holds
 * token hashes, never tokens. Thread-safe.
 */
final class SessionCache {

  private static final int MAX_ENTRIES = 10_000;

  private record Entry(long version, SessionRecord session) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Counter hits;
  private final Counter misses;

  SessionCache(MeterRegistry registry) {
    hits = lookups(registry, "hit");
    misses = lookups(registry, "miss");
  }

  private static Counter lookups(MeterRegistry registry, String result) {
    return Counter.builder("userdb.session.cache")
        .description("Session lookups answered from memory (hit) or from the database (miss)")
        .tag("result", result)
        .register(registry);
  }

  /** The session read under {@code version}, or null if it was read under another or never. */
  SessionRecord get(String tokenHash, long version) {
    Entry entry = entries.get(tokenHash);
    if (entry != null && entry.version() == version) {
      hits.increment();
      return entry.session();
    }
    misses.increment();
    return null;
  }

  void put(long version, SessionRecord session) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear(); // bounded whatever clients do; entries from old versions are useless anyway
    }
    entries.put(session.tokenHash(), new Entry(version, session));
  }
}
