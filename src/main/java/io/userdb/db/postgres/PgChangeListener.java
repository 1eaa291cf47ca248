package io.userdb.db.postgres;

import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.Connections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hears other backends' commits on one PostgreSQL connection of its own, outside the pool (LISTEN),
 * and turns them into the store's change counter.
 *
 * <p>A commit elsewhere is queued for this connection before that backend answers its client;
 * PostgreSQL hands queued notifications over with the answer to any query. So a {@link #look} (one
 * {@code SELECT 1}, shared by every thread that asks meanwhile) counts every commit made elsewhere
 * before it began, which is what {@link ChangeTracker#looked} promises.
 *
 * <p>A background thread keeps the queue short and reconnects a lost connection. While requests ask
 * for looks no older than some freshness, it also looks ahead of them, twice per that freshness, so
 * that a request seldom waits for the round trip itself; a second after the last request that had
 * to ask, it goes back to its slow pace.
 *
 * <p>While the connection is down nothing is trusted: every look returns a new number, so every
 * cached answer is read again from the database; after it is back, the caches are dropped once more
 * (notifications sent meanwhile are lost). Both are logged. Thread-safe.
 */
final class PgChangeListener implements AutoCloseable {

  static final String CHANNEL = "userdb_changes";
  private static final Logger LOG = Logger.getLogger(PgChangeListener.class.getName());
  private static final long SLOW_PACE = Duration.ofSeconds(1).toNanos();

  /** How long after the last request that had to ask the thread keeps looking ahead. */
  private static final long KEEP_AHEAD = Duration.ofSeconds(1).toNanos();

  private final Supplier<Connection> connect;
  private final ChangeTracker changes;

  /** This process's mark on its own notifications, which it counted when it committed them. */
  private final String self;

  private final Object lock = new Object();
  private final Thread background;
  private volatile boolean closed;

  /** Looks ahead this often (nanoseconds) until {@link #aheadUntil}; 0: never. */
  private volatile long aheadEvery;

  private volatile long aheadUntil;

  /** When the background thread last tried to connect; only it reads and writes this. */
  private long lastReconnect = System.nanoTime() - SLOW_PACE;

  private Connection connection;
  private PreparedStatement ping;
  private long lastLookStarted;
  private boolean everLooked;
  private boolean downReported;

  PgChangeListener(Supplier<Connection> connect, ChangeTracker changes, String self) {
    this.connect = connect;
    this.changes = changes;
    this.self = self;
    this.background = new Thread(this::run, "userdb-change-listener");
    background.setDaemon(true);
    // Started by the first request that asks: not Tomcat's web application's thread, whose class
    // loader it would inherit (and be reported at stop as a leak of).
    background.setContextClassLoader(PgChangeListener.class.getClassLoader());
    background.start();
  }

  /**
   * The change counter after a look that began no earlier than this call; while the listener is
   * down, a new number every time.
   *
   * @param freshness how old a look the caller takes next time; the background thread keeps looks
   *     that fresh for a while, or not at all for zero
   */
  long look(Duration freshness) {
    long asked = System.nanoTime();
    if (!freshness.isZero()) {
      boolean wasAhead = isAhead(asked);
      aheadEvery = Math.max(1, freshness.toNanos() / 2);
      aheadUntil = asked + KEEP_AHEAD;
      if (!wasAhead) {
        LockSupport.unpark(background); // from its slow pace to the fast one
      }
    }
    return lookNow(asked);
  }

  private boolean isAhead(long now) {
    return aheadEvery > 0 && aheadUntil - now > 0;
  }

  private long lookNow(long asked) {
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

  private void run() {
    while (!closed) {
      if (isConnected()) {
        lookNow(System.nanoTime());
      } else if (System.nanoTime() - lastReconnect >= SLOW_PACE) {
        lastReconnect = System.nanoTime();
        reconnect();
      }
      LockSupport.parkNanos(
          this, isAhead(System.nanoTime()) && isConnected() ? aheadEvery : SLOW_PACE);
    }
  }

  private boolean isConnected() {
    synchronized (lock) {
      return connection != null;
    }
  }

  /** Connects outside the lock: requests meanwhile are answered "changed" at once, not held. */
  private void reconnect() {
    Connection fresh;
    PreparedStatement freshPing;
    try {
      fresh = connect.get();
      try (Statement statement = fresh.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
      }
      freshPing = fresh.prepareStatement("SELECT 1");
    } catch (RuntimeException | SQLException e) {
      synchronized (lock) {
        if (!downReported) {
          LOG.warning(
              "cannot listen for changes other backends make ("
                  + e.getMessage()
                  + "); sessions and credentials are read from the database until it can");
          downReported = true;
        }
      }
      return;
    }
    synchronized (lock) {
      connection = fresh;
      ping = freshPing;
      changes.changed(); // notifications sent while nobody listened are lost: drop what was cached
      if (downReported) {
        LOG.info(
            "change notices from PostgreSQL are back; cached sessions and credentials were dropped");
        downReported = false;
      }
      if (closed) {
        closeQuietly();
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
    Connections.closeQuietly(connection);
    connection = null;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(background);
    synchronized (lock) {
      closeQuietly();
    }
  }
}
