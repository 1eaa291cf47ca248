package io.userdb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What clients were told about their writes, per user: the display name of the last write that got
 * a 2xx, and the one write that was sent but never answered (the server died under it), which may
 * or may not have committed. Each user is written by one client thread at a time.
 */
final class WriteLedger {

  private static final class Entry {
    volatile String acknowledged; // null: the create itself was never acknowledged
    volatile String inFlight;
  }

  private final Map<String, Entry> users = new ConcurrentHashMap<>();

  void sending(String username, String displayName) {
    users.computeIfAbsent(username, u -> new Entry()).inFlight = displayName;
  }

  void acknowledged(String username, String displayName) {
    Entry e = users.get(username);
    e.acknowledged = displayName;
    e.inFlight = null;
  }

  /** A clean refusal (4xx, 503): the write did not happen. */
  void refused(String username) {
    Entry e = users.get(username);
    e.inFlight = null;
    if (e.acknowledged == null) {
      users.remove(username);
    }
  }

  int users() {
    return users.size();
  }

  /**
   * Checks the stored display names against what was acknowledged, then takes the stored state as
   * the new truth, so the next cycle's in-flight ambiguity starts from what is on disk.
   *
   * @return how many users with an acknowledged state were checked
   */
  int assertAllPresent(Map<String, String> stored, String when) {
    List<String> lost = new ArrayList<>();
    int checked = 0;
    for (var it = users.entrySet().iterator(); it.hasNext(); ) {
      var user = it.next();
      Entry e = user.getValue();
      String value = stored.get(user.getKey());
      boolean ok =
          e.acknowledged == null
              ? value == null || value.equals(e.inFlight)
              : value != null && (value.equals(e.acknowledged) || value.equals(e.inFlight));
      checked += e.acknowledged == null ? 0 : 1;
      if (!ok) {
        lost.add(
            user.getKey()
                + ": acknowledged "
                + e.acknowledged
                + ", in flight "
                + e.inFlight
                + ", stored "
                + value);
      }
      if (value == null) {
        it.remove();
      } else {
        e.acknowledged = value;
        e.inFlight = null;
      }
    }
    assertTrue(lost.isEmpty(), when + ": acknowledged writes lost: " + lost);
    return checked;
  }
}
