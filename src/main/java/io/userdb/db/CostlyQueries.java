package io.userdb.db;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Bounds how many costly queries (user listings) run at once. A listing costs many times the CPU of
 * a session check, and a few admin clients listing in a loop took most of the cores from the
 * session checks beside them (docs/PERFORMANCE-HISTORY.md). With listings taking turns, the cheap
 * requests keep the other cores.
 *
 * <p>A query waits for its turn holding no database object. With a pool of one, a listing that held
 * the object while waiting here would wait for the one holding the turn, which waits for the
 * object.
 *
 * <p>Thread-safe.
 */
public final class CostlyQueries {

  private final Semaphore turns;
  private final Duration maxWait;
  private final Timer turnWait;

  /**
   * {@code maxWait}: how long a query waits for its turn before it is refused, as for an object.
   */
  public CostlyQueries(int atOnce, Duration maxWait, MeterRegistry registry) {
    if (atOnce < 1) {
      throw new IllegalArgumentException(
          "at least one costly query must be able to run, not " + atOnce);
    }
    this.turns = new Semaphore(atOnce, true);
    this.maxWait = maxWait;
    this.turnWait =
        Timer.builder("userdb.costly.queries.wait")
            .description("Time a costly query (a user listing) waited for its turn")
            .register(registry);
  }

  /**
   * Runs {@code query} once its turn comes; the access holds no object before or after.
   *
   * @throws PoolExhaustedException if the turn did not come within max-wait
   */
  public <T> T run(DatabaseAccess access, Function<UserDatabase, T> query) {
    access.release();
    awaitTurn();
    try {
      return query.apply(access.db());
    } finally {
      access.release();
      turns.release();
    }
  }

  private void awaitTurn() {
    long start = System.nanoTime();
    boolean turn;
    try {
      turn = turns.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      turn = false;
    } finally {
      turnWait.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    if (!turn) {
      throw PoolExhaustedException.noTurn(maxWait, turns.getQueueLength());
    }
  }
}
