package io.userdb.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps events anyone can repeat at request rate (a refusal, a sign-in refused by a lock) from
 * writing the log at that rate: per key (actor, action, target or path, client address) the first
 * occurrence is recorded, then at most one record a {@link #WINDOW}. Each record stands for itself
 * and, in {@code suppressed}, for the occurrences left out since the record before it. Left-out
 * occurrences still pending when their window closes are recorded (their last one, standing for the
 * rest) by {@link #due} (the service asks every minute) or {@link #drain} (at stop), so the counts
 * add up.
 *
 * <p>The memory is per process: several backends on one store each record their own first
 * occurrence. It holds at most {@link #MAX_KEYS} keys; past that, new keys share one key per action
 * (their events are marked {@code coalesced: "overflow"}), so an attacker varying paths or
 * addresses gains nothing. Thread-safe.
 */
public final class AuditCoalescer {

  /** At most one record per key this often. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Keys remembered at most, before new ones share a key per action. */
  static final int MAX_KEYS = 4096;

  private static final class Window {
    long startedAt;
    int suppressed;
    AuditEvent last;

    Window(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  private final Clock clock;
  private final Map<String, Window> windows = new LinkedHashMap<>();

  public AuditCoalescer(Clock clock) {
    this.clock = clock;
  }

  /** The key of an event: who, what, on what, from where. */
  public static String keyOf(AuditEvent event, String on) {
    AuditOrigin origin = event.origin();
    return String.join(
        "\u0000",
        origin.actorName(),
        String.valueOf(origin.actorId()),
        event.action().id(),
        event.outcome(),
        String.valueOf(on),
        String.valueOf(origin.clientAddress()));
  }

  /**
   * The event to record now (with {@code suppressed} when occurrences were left out before it), or
   * null to leave it out.
   */
  public synchronized AuditEvent admit(String key, AuditEvent event) {
    long now = clock.millis();
    Window window = windows.get(key);
    if (window == null && windows.size() >= MAX_KEYS) {
      key = "overflow\u0000" + event.action().id();
      event = event.with("coalesced", "overflow");
      window = windows.get(key);
    }
    if (window == null) {
      windows.put(key, new Window(now));
      return event;
    }
    if (now - window.startedAt < WINDOW.toMillis()) {
      window.suppressed++;
      window.last = event;
      return null;
    }
    int suppressed = window.suppressed;
    window.startedAt = now;
    window.suppressed = 0;
    window.last = null;
    return suppressed > 0 ? event.with("suppressed", suppressed) : event;
  }

  /**
   * The left-out occurrences of windows that have closed, one event each (the last of them, with
   * {@code suppressed}); their keys are forgotten, so the next occurrence counts as a first.
   */
  public synchronized List<AuditEvent> due() {
    return take(clock.millis() - WINDOW.toMillis());
  }

  /** As {@link #due}, for every window, closed or not: at stop. */
  public synchronized List<AuditEvent> drain() {
    return take(Long.MAX_VALUE);
  }

  private List<AuditEvent> take(long startedBefore) {
    List<AuditEvent> summaries = new ArrayList<>();
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      Window window = it.next();
      if (window.startedAt <= startedBefore) {
        if (window.suppressed > 0) { // the last left out, recorded now, stands for itself
          AuditEvent last = window.last;
          summaries.add(
              window.suppressed == 1 ? last : last.with("suppressed", window.suppressed - 1));
        }
        it.remove();
      }
    }
    return summaries;
  }
}
