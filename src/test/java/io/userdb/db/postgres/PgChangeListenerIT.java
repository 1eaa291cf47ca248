package io.userdb.db.postgres;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.ChangeTracker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The listener's look-ahead on a real server: while requests ask for fresh looks it keeps them
 * fresh by itself, so that requests find a recent look instead of waiting for one; once they stop
 * asking, it goes back to its slow pace.
 */
class PgChangeListenerIT {

  private static final Duration FRESHNESS = Duration.ofMillis(100);

  @Test
  void keeps_looks_fresh_while_asked_and_slows_down_when_nobody_asks() throws Exception {
    String url = PostgresServer.shared().newDatabase();
    ChangeTracker changes = new ChangeTracker();
    try (PgChangeListener listener = new PgChangeListener(() -> connect(url), changes, "me")) {
      long connected = System.nanoTime() + 30_000_000_000L;
      while (listener.look(FRESHNESS) >= 0 // a request that found no recent look
          && changes.versionIfLookedWithin(FRESHNESS) == ChangeTracker.UNKNOWN
          && System.nanoTime() < connected) {
        Thread.sleep(20); // the listener's first connection
      }
      double whileAsked = shareOfFreshSamples(changes, Duration.ofMillis(600));
      Thread.sleep(1500); // nobody asks: past the look-ahead's second
      double afterwards = shareOfFreshSamples(changes, Duration.ofMillis(600));
      assertTrue(whileAsked > 0.8, "fresh while asked: " + whileAsked);
      assertTrue(afterwards < 0.5, "slow pace afterwards: " + afterwards);
    }
  }

  /** How often, sampled every 5 ms for {@code span}, a look began within {@link #FRESHNESS}. */
  private static double shareOfFreshSamples(ChangeTracker changes, Duration span)
      throws InterruptedException {
    int samples = 0;
    int fresh = 0;
    long end = System.nanoTime() + span.toNanos();
    while (System.nanoTime() - end < 0) {
      samples++;
      if (changes.versionIfLookedWithin(FRESHNESS) != ChangeTracker.UNKNOWN) {
        fresh++;
      }
      Thread.sleep(5);
    }
    return (double) fresh / samples;
  }

  private static Connection connect(String url) {
    Properties properties = new Properties();
    properties.setProperty("password", PostgresServer.PASSWORD);
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
