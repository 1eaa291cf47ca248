package io.userdb.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps events anyone can repeat at request rate (a refusal, a sign-in refused by a lock) from
 * writing the log at that rate: per key (actor, action, target or path, client address) the first
 * occurrence is recorded, then at most one record a {@link #WINDOW}. Each record stands for itself
 * and, in {@code suppressed}, for the occurrences left out since the record before it. Left-out
 * occurrences still pending when their window closes are recorded (their last one, standing for the
 * rest) by {@link #due} (the service asks every minute) or {@link #drain} (at stop), so the counts
 * add up.
 *
 * <p>What an attacker varies at will (paths, names tried) would make every occurrence a new key, so
 * each actor (an account; for anonymous callers, a client address) has at most {@link
 * #KEYS_PER_ACTOR} keys at a time; past that, its new keys share one per action (their events are
 * marked {@code coalesced: "overflow"}), without hiding anyone else's. Past {@link #MAX_KEYS} keys
 * in all, the oldest window is closed early to make room, its left-out occurrences recorded then:
 * nobody's events are folded into anyone else's. Keys are digests, so memory is bounded whatever
 * was sent.
 *
 * <p>The memory is per process: several backends on one store each record their own first
 * occurrence. Thread-safe.
 */
public final class AuditCoalescer {

  /** At most one record per key this often. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Keys remembered at most, before the oldest make room. */
  static final int MAX_KEYS = 4096;

  /** Keys one actor has at most, before its new ones share a key per action. */
  public static final int KEYS_PER_ACTOR = 32;

  private static final class Window {
    final String actor;
    long startedAt;
    int suppressed;
    AuditEvent last;

    Window(String actor, long startedAt) {
      this.actor = actor;
      this.startedAt = startedAt;
    }
  }

  private final Clock clock;
  private final Map<String, Window> windows = new LinkedHashMap<>();
  private final Map<String, Integer> keysOfActor = new HashMap<>();
  private final List<AuditEvent> closedEarly = new ArrayList<>();

  public AuditCoalescer(Clock clock) {
    this.clock = clock;
  }

  /**
   * Admits {@code event}, about {@code on} (what it concerns, without what its sender varies at
   * will: a path, a lower-cased name), and hands it to {@code append} if it is to be recorded now
   * (with {@code suppressed} when occurrences were left out before it).
   */
  public void record(AuditEvent event, String on, Consumer<AuditEvent> append) {
    AuditEvent admitted = admit(event, on);
    for (AuditEvent summary : takeClosedEarly()) {
      append.accept(summary);
    }
    if (admitted != null) {
      append.accept(admitted);
    }
  }

  private synchronized List<AuditEvent> takeClosedEarly() {
    if (closedEarly.isEmpty()) {
      return List.of();
    }
    List<AuditEvent> taken = List.copyOf(closedEarly);
    closedEarly.clear();
    return taken;
  }

  /**
   * The event to record now (with {@code suppressed} when occurrences were left out before it), or
   * null to leave it out.
   */
  synchronized AuditEvent admit(AuditEvent event, String on) {
    long now = clock.millis();
    String actor = actorOf(event);
    String key =
        digest(
            actor,
            event.action().id(),
            event.outcome(),
            String.valueOf(on),
            String.valueOf(event.origin().clientAddress()));
    Window window = windows.get(key);
    if (window == null && keysOfActor.getOrDefault(actor, 0) >= KEYS_PER_ACTOR) {
      key = digest("overflow", actor, event.action().id());
      event = event.with("coalesced", "overflow");
      window = windows.get(key);
    }
    if (window == null && windows.size() >= MAX_KEYS) {
      closeEldest();
    }
    if (window == null) {
      windows.put(key, new Window(actor, now));
      keysOfActor.merge(actor, 1, Integer::sum);
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

  /** Makes room: the window opened first is closed now, its left-out occurrences recorded. */
  private void closeEldest() {
    Iterator<Window> eldest = windows.values().iterator();
    Window window = eldest.next();
    eldest.remove();
    forget(window);
    if (window.suppressed > 0) {
      closedEarly.add(summary(window));
    }
  }

  private void forget(Window window) {
    keysOfActor.computeIfPresent(window.actor, (actor, keys) -> keys > 1 ? keys - 1 : null);
  }

  /** The last occurrence left out, recorded now, stands for itself and the others. */
  private static AuditEvent summary(Window window) {
    return window.suppressed == 1
        ? window.last
        : window.last.with("suppressed", window.suppressed - 1);
  }

  /** Who sent it: an account whatever its address; anyone else by address. */
  private static String actorOf(AuditEvent event) {
    AuditOrigin origin = event.origin();
    return origin.actorId() != null
        ? digest("id", origin.actorId().toString())
        : digest("name", origin.actorName(), String.valueOf(origin.clientAddress()));
  }

  /** SHA-256 of the parts, length-prefixed so no two lists of parts digest alike. */
  private static String digest(String... parts) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha256.update(bytes);
      }
      return Base64.getEncoder().withoutPadding().encodeToString(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
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
    List<AuditEvent> summaries = new ArrayList<>(closedEarly);
    closedEarly.clear();
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      Window window = it.next();
      if (window.startedAt <= startedBefore) {
        if (window.suppressed > 0) {
          summaries.add(summary(window));
        }
        it.remove();
        forget(window);
      }
    }
    return summaries;
  }
}
