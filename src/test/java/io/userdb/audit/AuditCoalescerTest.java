package io.userdb.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void past_the_bound_new_keys_share_one_per_action() {
    for (int i = 0; i < AuditCoalescer.MAX_KEYS; i++) {
      assertNotNull(coalescer.admit(refusal(AuditOrigin.anonymous("10.1." + i, "")), "/p"));
    }
    AuditEvent first = coalescer.admit(refusal(AuditOrigin.anonymous("10.2.0.1", "")), "/p");
    assertEquals("overflow", first.fields().get("coalesced"));
    for (int i = 2; i < 100; i++) {
      assertNull(coalescer.admit(refusal(AuditOrigin.anonymous("10.2.0." + i, "")), "/p"));
    }
    List<AuditEvent> drained = coalescer.drain();
    assertEquals(1, drained.size());
    assertEquals(97, drained.get(0).fields().get("suppressed"));
    assertTrue(coalescer.drain().isEmpty());
  }

  @Test
  void memory_holds_digests_not_what_was_sent() {
    String huge = "/" + "x".repeat(100_000);
    assertNotNull(admit("10.0.0.1", huge));
    assertNull(admit("10.0.0.1", huge));
    assertNotNull(admit("10.0.0.1", huge + "y"), "a digest of the whole, not a prefix");
  }
}
