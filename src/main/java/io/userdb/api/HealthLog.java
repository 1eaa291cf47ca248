package io.userdb.api;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Logs why the database is unavailable when /health first finds it so, and once when it answers
 * again: a load balancer polling every second must not fill the log with the same line. The details
 * (path, the store's error) go only here, never to the unauthenticated caller. Thread-safe.
 */
final class HealthLog {

  private static final Logger LOG = Logger.getLogger(HealthLog.class.getName());

  private final AtomicBoolean down = new AtomicBoolean();

  void up() {
    if (down.compareAndSet(true, false)) {
      LOG.info("health: the database answers again");
    }
  }

  void down(String detail) {
    if (down.compareAndSet(false, true)) {
      LOG.warning("health: the database is unavailable: " + detail);
    }
  }
}
