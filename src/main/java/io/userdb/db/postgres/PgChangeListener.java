package io.userdb.db.postgres;

import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.Connections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
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

  /** Looks ahead no more often than this, whatever the freshness asked for. */
  private static final long FASTEST_PACE = Duration.ofMillis(2).toNanos();

  /**
   * How long a look may take on the wire before the connection counts as lost: a server gone
   * without a reset (a host lost, a network split) must not hold the look for the socket timeout.
   */
  static final Duration LOOK_TIMEOUT = Duration.ofSeconds(2);

  /** How long a request waits for a look under way before it reads the database instead. */
  private static final Duration REQUEST_WAIT = Duration.ofMillis(500);

  private final Supplier<Connection> connect;
  private final ChangeTracker changes;

  /** This process's mark on its own notifications, which it counted when it committed them. */
  private final String self;

  private final ReentrantLock lock = new ReentrantLock();
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
   * The change counter after a look that began no earlier than {@code freshness} before this call
   * (one under way when it was made will do); while the listener is down, or a look takes longer
   * than a request should wait, a new number every time.
   *
   * @param freshness how old a look the caller takes; the background thread keeps looks that fresh
   *     while callers ask, or not at all for zero
   */
  long look(Duration freshness) {
    long asked = System.nanoTime();
    if (!freshness.isZero()) {
      boolean wasAhead = isAhead(asked);
      aheadEvery = Math.max(FASTEST_PACE, freshness.toNanos() / 2);
      aheadUntil = asked + KEEP_AHEAD;
      if (!wasAhead) {
        LockSupport.unpark(background); // from its slow pace to the fast one
      }
    }
    try {
      if (!lock.tryLock(REQUEST_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
        return changes.changed(); // the look is stuck on the wire: read the database meanwhile
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return changes.changed();
    }
    try {
      return lookLocked(asked - freshness.toNanos());
    } finally {
      lock.unlock();
    }
  }

  private boolean isAhead(long now) {
    return aheadEvery > 0 && aheadUntil - now > 0;
  }

  /** A look, unless one that began no earlier than {@code notBefore} ended meanwhile. */
  private long lookLocked(long notBefore) {
    if (everLooked && lastLookStarted - notBefore >= 0) {
      return changes.version(); // a look recent enough ended while this one waited for the lock
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
      try {
        if (isConnected()) {
          lookAhead();
        } else if (System.nanoTime() - lastReconnect >= SLOW_PACE) {
          lastReconnect = System.nanoTime();
          reconnect();
        }
      } catch (RuntimeException e) {
        // Never let the thread die: with it gone, nothing would reconnect a lost listener.
        LOG.log(Level.WARNING, "the change listener's thread failed; it carries on", e);
      }
      LockSupport.parkNanos(
          this, isAhead(System.nanoTime()) && isConnected() ? aheadEvery : SLOW_PACE);
    }
  }

  private void lookAhead() {
    lock.lock();
    try {
      lookLocked(System.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  private boolean isConnected() {
    lock.lock();
    try {
      return connection != null;
    } finally {
      lock.unlock();
    }
  }

  /** Connects outside the lock: requests meanwhile are answered "changed" at once, not held. */
  private void reconnect() {
    Connection fresh;
    PreparedStatement freshPing;
    try {
      fresh = connect.get();
      fresh.setNetworkTimeout(Runnable::run, (int) LOOK_TIMEOUT.toMillis());
      try (Statement statement = fresh.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
      }
      freshPing = fresh.prepareStatement("SELECT 1");
    } catch (RuntimeException | SQLException e) {
      lock.lock();
      try {
        if (!downReported) {
          LOG.warning(
              "cannot listen for changes other backends make ("
                  + e.getMessage()
                  + "); sessions and credentials are read from the database until it can");
          downReported = true;
        }
      } finally {
        lock.unlock();
      }
      return;
    }
    lock.lock();
    try {
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
    } finally {
      lock.unlock();
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
    lock.lock();
    try {
      closeQuietly();
    } finally {
      lock.unlock();
    }
  }
}
