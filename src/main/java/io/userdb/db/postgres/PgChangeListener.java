package io.userdb.db.postgres;

import io.userdb.db.ChangeTracker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hears other backends' commits on one PostgreSQL connection of its own, outside the pool (LISTEN),
 * and turns them into the store's change counter.
 *
 * <p>A commit elsewhere is queued for this connection before that backend answers its client;
 * PostgreSQL hands queued notifications over with the answer to any query. So a {@link #look()}
 * (one {@code SELECT 1}, shared by every thread that asks meanwhile) counts every commit made
 * elsewhere before it began, which is what {@link ChangeTracker#looked} promises. Between looks a
 * background drain keeps the queue short and reconnects a lost connection.
 *
 * <p>While the connection is down nothing is trusted: every look returns a new number, so every
 * cached answer is read again from the database; after it is back, the caches are dropped once more
 * (notifications sent meanwhile are lost). Both are logged. Thread-safe.
 */
final class PgChangeListener implements AutoCloseable {

  static final String CHANNEL = "userdb_changes";
  private static final Logger LOG = Logger.getLogger(PgChangeListener.class.getName());
  private static final Duration DRAIN_INTERVAL = Duration.ofSeconds(1);

  private final Supplier<Connection> connect;
  private final ChangeTracker changes;

  /** This process's mark on its own notifications, which it counted when it committed them. */
  private final String self;

  private final Object lock = new Object();
  private final ScheduledExecutorService drain;
  private Connection connection;
  private PreparedStatement ping;
  private long lastLookStarted;
  private boolean everLooked;
  private boolean downReported;

  PgChangeListener(Supplier<Connection> connect, ChangeTracker changes, String self) {
    this.connect = connect;
    this.changes = changes;
    this.self = self;
    this.drain =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "userdb-change-listener");
              thread.setDaemon(true);
              // Started by the first request that asks: not Tomcat's web application's thread,
              // whose class loader it would inherit (and be reported at stop as a leak of).
              thread.setContextClassLoader(PgChangeListener.class.getClassLoader());
              return thread;
            });
    drain.scheduleWithFixedDelay(
        this::drainOrReconnect, 0, DRAIN_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The change counter after a look that began no earlier than this call; while the listener is
   * down, a new number every time.
   */
  long look() {
    long asked = System.nanoTime();
    synchronized (lock) {
      if (everLooked && lastLookStarted - asked >= 0) {
        return changes.version(); // a look that began after the ask ended while it waited
      }
      if (connection == null) {
        return changes.changed();
      }
      long started = System.nanoTime();
      try {
        try (ResultSet rs = ping.executeQuery()) {
          rs.next();
        }
        countNotifications();
        changes.looked(started);
        lastLookStarted = started;
        everLooked = true;
        return changes.version();
      } catch (SQLException e) {
        lost(e);
        return changes.changed();
      }
    }
  }

  private void countNotifications() throws SQLException {
    PGNotification[] received = connection.unwrap(PGConnection.class).getNotifications();
    if (received == null) {
      return;
    }
    for (PGNotification notification : received) {
      if (!self.equals(notification.getParameter())) {
        changes.changed();
        return; // one is enough: the counter only has to move
      }
    }
  }

  private void drainOrReconnect() {
    synchronized (lock) {
      if (connection == null) {
        reconnect();
        return;
      }
    }
    look();
  }

  private void reconnect() {
    try {
      Connection fresh = connect.get();
      try (Statement statement = fresh.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
      }
      ping = fresh.prepareStatement("SELECT 1");
      connection = fresh;
      changes.changed(); // notifications sent while nobody listened are lost: drop what was cached
      if (downReported) {
        LOG.info(
            "change notices from PostgreSQL are back; cached sessions and credentials were dropped");
        downReported = false;
      }
    } catch (RuntimeException | SQLException e) {
      if (!downReported) {
        LOG.warning(
            "cannot listen for changes other backends make ("
                + e.getMessage()
                + "); sessions and credentials are read from the database until it can");
        downReported = true;
      }
    }
  }

  private void lost(SQLException e) {
    LOG.warning(
        "lost the connection that hears other backends' changes ("
            + e.getMessage()
            + "); sessions and credentials are read from the database until it is back");
    downReported = true;
    closeQuietly();
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // It failed already; nothing left to release.
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    drain.shutdownNow();
    synchronized (lock) {
      closeQuietly();
    }
  }
}
