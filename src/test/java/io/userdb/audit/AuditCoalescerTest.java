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
    return AuditEvent.failure(
        AuditAction.ACCESS_REFUSED, AuditOrigin.user(7, "bob", address, ""), null, null);
  }

  private AuditEvent admit(String address, String path) {
    AuditEvent e = refusal(address);
    return coalescer.admit(AuditCoalescer.keyOf(e, path), e);
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
  void past_the_bound_new_keys_share_one_per_action() {
    for (int i = 0; i < AuditCoalescer.MAX_KEYS; i++) {
      assertNotNull(admit("10.0.0.1", "/p" + i));
    }
    AuditEvent first = admit("10.0.0.1", "/overflow-1");
    assertEquals("overflow", first.fields().get("coalesced"));
    for (int i = 2; i < 100; i++) {
      assertNull(admit("10.0.0.1", "/overflow-" + i));
    }
    List<AuditEvent> drained = coalescer.drain();
    assertEquals(1, drained.size());
    assertEquals(97, drained.get(0).fields().get("suppressed"));
    assertTrue(coalescer.drain().isEmpty());
  }
}
