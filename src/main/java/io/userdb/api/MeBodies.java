package io.userdb.api;

import io.userdb.auth.AuthMethod;
import io.userdb.auth.Caller;
import io.userdb.db.User;
import io.userdb.http.Json;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON body of {@code GET /api/me} for each session, rendered once for each copy of the user
 * the session cache hands out. That cache gives every request the same {@code User} object until
 * anything is written, then a fresh one read again: so a body rendered from the very object the
 * caller was identified by is that caller's current answer, and any change renders anew. Rendering
 * was a tenth of the request's CPU in profiles (docs/SCALING.md). Callers without a session (Basic,
 * proxy, the default user) are rendered every time. Thread-safe.
 */
final class MeBodies {

  private static final int MAX_ENTRIES = 10_000;

  private record Rendered(User user, AuthMethod method, byte[] body) {}

  private final ConcurrentHashMap<String, Rendered> bySession = new ConcurrentHashMap<>();

  /** The body for {@code caller}; the array is shared, never to be changed. */
  byte[] of(Caller caller) throws IOException {
    String session = caller.sessionHash();
    if (session == null || caller.user() == null) {
      return Json.bytes(UserJson.of(caller));
    }
    Rendered rendered = bySession.get(session);
    // Identity, not equality: the object is the proof that nothing was written since it was read.
    if (rendered != null
        && rendered.user() == caller.user()
        && rendered.method() == caller.method()) {
      return rendered.body();
    }
    byte[] body = Json.bytes(UserJson.of(caller));
    if (bySession.size() >= MAX_ENTRIES) {
      bySession.clear(); // bounded whatever clients do; a miss only renders again
    }
    bySession.put(session, new Rendered(caller.user(), caller.method(), body));
    return body;
  }
}
