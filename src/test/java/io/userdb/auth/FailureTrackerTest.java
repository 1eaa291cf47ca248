package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FailureTrackerTest {

  private static final LockoutPolicy POLICY =
      new LockoutPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(10));
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void parallel_reservations_never_pass_the_threshold() throws Exception {
    FailureTracker tracker = new FailureTracker(POLICY, null, 1000);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> tracker.reserve("victim", NOW).reserved()));
      }
      int reserved = 0;
      for (Future<Boolean> r : results) {
        reserved += r.get() ? 1 : 0;
      }
      assertEquals(3, reserved);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_full_tracker_makes_room_without_lifting_an_active_lock() {
    FailureTracker tracker = new FailureTracker(POLICY, Duration.ofMinutes(15), 10);
    for (int i = 0; i < 3; i++) {
      tracker.reserve("locked", NOW);
    }
    assertFalse(tracker.reserve("locked", NOW).reserved());
    for (int i = 0; i < 50; i++) { // an attacker filling the tracker with fresh keys
      tracker.reserve("filler" + i, NOW.plusSeconds(i));
    }
    assertTrue(tracker.size() <= 10);
    assertFalse(
        tracker.reserve("locked", NOW.plusSeconds(50)).reserved(), "the lock outlived the flood");
  }

  @Test
  void a_success_does_not_count_but_keeps_a_lock_already_set() {
    FailureTracker tracker = new FailureTracker(POLICY, null, 100);
    tracker.reserve("nat", NOW);
    tracker.reserve("nat", NOW);
    tracker.succeeded("nat");
    assertTrue(
        tracker.reserve("nat", NOW).reserved(), "two counted, one forgiven: the third may run");
    assertTrue(tracker.reserve("nat", NOW).reserved());
    tracker.succeeded("nat");
    assertFalse(tracker.reserve("nat", NOW).reserved(), "the lock set at the threshold stays");
  }
}
