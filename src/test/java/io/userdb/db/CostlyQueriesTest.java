package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Costly queries take turns over a real pool on a real SQLite file, and never deadlock with it. */
@Timeout(30)
class CostlyQueriesTest {

  static final Duration MAX_WAIT = Duration.ofSeconds(2);

  @TempDir Path folder;
  UserDatabasePool pool;
  final ExecutorService threads = Executors.newCachedThreadPool();

  UserDatabasePool pool(int objects) {
    Path file = folder.resolve("userdb.db");
    pool =
        new UserDatabasePool(
            SqliteForTests.store(file),
            PoolSettings.builder()
                .maxTotal(objects)
                .minIdle(0)
                .maxWait(MAX_WAIT)
                .abandonedTimeout(Duration.ofSeconds(60))
                .build(),
            new SimpleMeterRegistry());
    return pool;
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    pool.close();
  }

  @Test
  void no_more_than_the_bound_run_at_once_though_the_pool_has_objects_to_spare() throws Exception {
    pool(4);
    CostlyQueries queries = new CostlyQueries(2, MAX_WAIT, new SimpleMeterRegistry());
    AtomicInteger inside = new AtomicInteger(); // entered so far
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    CountDownLatch finish = new CountDownLatch(1);
    List<Future<Integer>> listings = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      listings.add(
          threads.submit(
              () -> {
                try (UserDatabasePool.Access access = pool.access()) {
                  return queries.run(
                      access,
                      db -> {
                        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        inside.incrementAndGet();
                        try {
                          await(finish);
                          return db.listUsers("", 0, 10).users().size();
                        } finally {
                          running.decrementAndGet();
                        }
                      });
                }
              }));
    }
    while (inside.get() < 2) {
      Thread.sleep(5);
    }
    Thread.sleep(200); // time for a third to get in, were the bound not kept
    assertEquals(2, inside.get());
    finish.countDown();
    for (Future<Integer> listing : listings) {
      assertEquals(0, listing.get(10, TimeUnit.SECONDS));
    }
    assertEquals(2, mostRunning.get());
  }

  @Test
  void a_query_waits_for_its_turn_holding_no_object() throws Exception {
    pool(1);
    CostlyQueries queries = new CostlyQueries(1, MAX_WAIT, new SimpleMeterRegistry());
    try (UserDatabasePool.Access mine = pool.access()) {
      mine.db(); // holds the only object, as a request does once its session was checked
      Future<Long> theirs =
          threads.submit(
              () -> {
                try (UserDatabasePool.Access access = pool.access()) {
                  return queries.run(access, db -> db.listUsers("", 0, 10).total());
                }
              });
      while (pool.stats().waiters() < 1) { // they have the turn and wait for my object
        Thread.sleep(5);
      }
      // Had mine kept its object while waiting for the turn, theirs would give up after the
      // pool's 2 s wait with PoolExhaustedException.
      long total = queries.run(mine, db -> db.listUsers("", 0, 10).total());
      assertEquals(0, total);
      assertEquals(0L, theirs.get(10, TimeUnit.SECONDS));
    }
    assertEquals(0, pool.stats().active(), "the object is back in the pool");
  }

  @Test
  void a_query_refused_its_turn_within_max_wait_is_told_the_service_is_busy() throws Exception {
    pool(2);
    CostlyQueries queries = new CostlyQueries(1, Duration.ofMillis(100), new SimpleMeterRegistry());
    CountDownLatch finish = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    Future<Integer> first =
        threads.submit(
            () -> {
              try (UserDatabasePool.Access access = pool.access()) {
                return queries.run(
                    access,
                    db -> {
                      started.countDown();
                      await(finish);
                      return db.listUsers("", 0, 10).users().size();
                    });
              }
            });
    await(started);
    try (UserDatabasePool.Access access = pool.access()) {
      access.db();
      PoolExhaustedException e =
          assertThrows(
              PoolExhaustedException.class,
              () -> queries.run(access, db -> db.listUsers("", 0, 10)));
      assertTrue(e.getMessage().contains("no turn"), e.getMessage());
      assertEquals(1, pool.stats().active(), "only the running query holds an object");
    }
    finish.countDown();
    assertEquals(0, first.get(10, TimeUnit.SECONDS));
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
