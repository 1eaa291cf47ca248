package io.userdb.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditCoalescerTest {

  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-06-01T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final AuditCoalescer coalescer = new AuditCoalescer(clock);

  private static AuditEvent refusal(String address) {
    return refusal(AuditOrigin.user(7, "bob", address, ""));
  }

  private static AuditEvent refusal(AuditOrigin origin) {
    return AuditEvent.failure(AuditAction.ACCESS_REFUSED, origin, null, null);
  }

  private AuditEvent admit(String address, String path) {
    return coalescer.admit(refusal(address), path);
  }

  /** Every occurrence is in the records: each stands for itself and those it suppressed. */
  private static int occurrences(List<AuditEvent> recorded) {
    return recorded.stream()
        .mapToInt(e -> 1 + (Integer) e.fields().getOrDefault("suppressed", 0))
        .sum();
  }

  @Test
  void the_first_is_recorded_the_rest_of_its_minute_counted_and_recorded_once_it_closes() {
    assertNotNull(admit("10.0.0.1", "/api/users"));
    for (int i = 0; i < 9; i++) {
      assertNull(admit("10.0.0.1", "/api/users"));
    }
    assertEquals(List.of(), coalescer.due(), "the window is still open");
    clock.now = clock.now.plus(Duration.ofSeconds(61));
    List<AuditEvent> due = coalescer.due();
    assertEquals(1, due.size());
    assertEquals(8, due.get(0).fields().get("suppressed"), "itself and 8 more: 9 left out");
    assertNotNull(admit("10.0.0.1", "/api/users"), "a new first after the window was closed");
  }

  @Test
  void a_repeat_after_the_minute_is_recorded_with_what_was_left_out_before_it() {
    admit("10.0.0.1", "/a");
    admit("10.0.0.1", "/a");
    admit("10.0.0.1", "/a");
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    AuditEvent next = admit("10.0.0.1", "/a");
    assertEquals(2, next.fields().get("suppressed"));
    assertEquals(List.of(), coalescer.drain(), "nothing left out since");
  }

  @Test
  void other_paths_actors_and_addresses_are_other_keys() {
    assertNotNull(admit("10.0.0.1", "/a"));
    assertNotNull(admit("10.0.0.1", "/b"));
    assertNotNull(admit("10.0.0.2", "/a"));
  }

  @Test
  void an_actor_varying_what_it_sends_gets_its_keys_then_one_per_action_and_hides_nobody() {
    List<AuditEvent> recorded = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      AuditEvent admitted = admit("10.0.0." + (i % 200), "/api/users/" + i);
      if (admitted != null) {
        recorded.add(admitted);
      }
    }
    assertEquals(AuditCoalescer.KEYS_PER_ACTOR + 1, recorded.size(), "its keys, then overflow");
    assertEquals("overflow", recorded.get(recorded.size() - 1).fields().get("coalesced"));
    AuditEvent alice = coalescer.admit(refusal(AuditOrigin.user(8, "alice", "10.0.0.1", "")), "/x");
    assertNotNull(alice, "another account's first is recorded");
    assertNull(alice.fields().get("coalesced"));
    recorded.addAll(coalescer.drain());
    assertEquals(10_000, occurrences(recorded));
    assertNotNull(admit("10.0.0.1", "/after"), "keys are forgotten with their windows");
  }

  @Test
  void anonymous_callers_are_told_apart_by_address() {
    AuditOrigin one = AuditOrigin.anonymous("10.0.0.1", "");
    for (int i = 0; i < AuditCoalescer.KEYS_PER_ACTOR; i++) {
      assertNotNull(coalescer.admit(refusal(one), "/p" + i));
    }
    assertEquals(
        "overflow", coalescer.admit(refusal(one), "/more").fields().get("coalesced"), "budget");
    AuditEvent other = coalescer.admit(refusal(AuditOrigin.anonymous("10.0.0.2", "")), "/p0");
    assertNull(other.fields().get("coalesced"), "another address has its own");
  }

  @Test
  void past_the_bound_the_oldest_window_makes_room_and_its_occurrences_are_recorded() {
    List<AuditEvent> recorded = new ArrayList<>();
    AuditOrigin first = AuditOrigin.anonymous("10.1.0.0", "");
    coalescer.record(refusal(first), "/p", recorded::add);
    coalescer.record(refusal(first), "/p", recorded::add); // left out, for now
    for (int i = 1; i < AuditCoalescer.MAX_KEYS; i++) {
      coalescer.record(refusal(AuditOrigin.anonymous("10.1." + i, "")), "/p", recorded::add);
    }
    assertEquals(AuditCoalescer.MAX_KEYS, recorded.size());
    AuditOrigin late = AuditOrigin.anonymous("10.2.0.1", "");
    coalescer.record(refusal(late), "/p", recorded::add);
    assertEquals(AuditCoalescer.MAX_KEYS + 2, recorded.size(), "the eldest's left-out one, then");
    assertEquals("10.1.0.0", recorded.get(recorded.size() - 2).origin().clientAddress());
    AuditEvent lateOne = recorded.get(recorded.size() - 1);
    assertEquals("10.2.0.1", lateOne.origin().clientAddress());
    assertNull(lateOne.fields().get("coalesced"), "its own key, not a shared one");
    recorded.addAll(coalescer.drain());
    assertEquals(AuditCoalescer.MAX_KEYS + 2, occurrences(recorded), "every occurrence counted");
  }

  @Test
  void memory_holds_digests_not_what_was_sent() {
    String huge = "/" + "x".repeat(100_000);
    assertNotNull(admit("10.0.0.1", huge));
    assertNull(admit("10.0.0.1", huge));
    assertNotNull(admit("10.0.0.1", huge + "y"), "a digest of the whole, not a prefix");
  }
}
