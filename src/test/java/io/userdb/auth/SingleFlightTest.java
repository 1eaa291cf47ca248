package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One run per key at a time; the leader holds its work until the second caller is waiting. */
@Timeout(10)
class SingleFlightTest {

  final SingleFlight<String, String> flight = new SingleFlight<>();
  final ExecutorService threads = Executors.newCachedThreadPool();
  final CountDownLatch secondIsWaiting = new CountDownLatch(1);
  final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** Work that ends only once another caller for the same key waits for it. */
  String slowWork(String result) {
    runs.incrementAndGet();
    try {
      secondIsWaiting.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  @Test
  void a_caller_that_comes_while_the_work_runs_gets_its_result_without_running_it()
      throws Exception {
    Future<String> first = threads.submit(() -> flight.run("k", () -> slowWork("done"), () -> {}));
    while (runs.get() == 0) {
      Thread.sleep(1);
    }
    Future<String> second =
        threads.submit(() -> flight.run("k", () -> slowWork("again"), secondIsWaiting::countDown));
    assertEquals("done", first.get());
    assertEquals("done", second.get());
    assertEquals(1, runs.get());
    assertEquals(
        "next", flight.run("k", () -> "next", () -> {}), "once done, the next caller runs it anew");
  }

  @Test
  void the_waiting_caller_gets_the_same_failure() throws Exception {
    IllegalStateException failure = new IllegalStateException("database gone");
    Future<String> first =
        threads.submit(
            () ->
                flight.run(
                    "k",
                    () -> {
                      slowWork("unused");
                      throw failure;
                    },
                    () -> {}));
    while (runs.get() == 0) {
      Thread.sleep(1);
    }
    IllegalStateException seen =
        assertThrows(
            IllegalStateException.class,
            () -> flight.run("k", () -> slowWork("again"), secondIsWaiting::countDown));
    assertSame(failure, seen);
    assertThrows(java.util.concurrent.ExecutionException.class, first::get);
    assertEquals(1, runs.get());
  }

  @Test
  void other_keys_do_not_wait() throws Exception {
    Future<String> first = threads.submit(() -> flight.run("k", () -> slowWork("done"), () -> {}));
    assertEquals(
        "other",
        flight.run(
            "j",
            () -> "other",
            () -> {
              throw new AssertionError("waited for another key");
            }));
    secondIsWaiting.countDown();
    assertEquals("done", first.get(5, TimeUnit.SECONDS));
  }
}
