package io.userdb.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event to append: what happened, how it ended, who did it to whom, and the few fields the
 * event needs. Never a password, a token, a hash or a secret: a session is named by {@link
 * #sessionName} at most.
 *
 * @param targetId the account acted on, or null (none, or not known by id)
 * @param fields event-specific values (strings, numbers, booleans, lists of strings), in order
 */
public record AuditEvent(
    AuditAction action,
    boolean success,
    AuditOrigin origin,
    Long targetId,
    String targetName,
    Map<String, Object> fields) {

  /** Characters of a session token's SHA-256 hash that name it in the log. */
  static final int SESSION_NAME_CHARS = 12;

  public AuditEvent {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public static AuditEvent success(
      AuditAction action, AuditOrigin origin, Long targetId, String targetName) {
    return new AuditEvent(action, true, origin, targetId, targetName, Map.of());
  }

  public static AuditEvent failure(
      AuditAction action, AuditOrigin origin, Long targetId, String targetName) {
    return new AuditEvent(action, false, origin, targetId, targetName, Map.of());
  }

  /** The same event with one more field. */
  public AuditEvent with(String name, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(fields);
    more.put(name, value);
    return new AuditEvent(action, success, origin, targetId, targetName, more);
  }

  /** The same event about another account. */
  public AuditEvent about(Long id, String name) {
    return new AuditEvent(action, success, origin, id, name, fields);
  }

  /** The same event as another action (a consequence recorded beside it). */
  public AuditEvent as(AuditAction other) {
    return new AuditEvent(other, success, origin, targetId, targetName, Map.of());
  }

  /** ECS {@code event.outcome}. */
  public String outcome() {
    return success ? "success" : "failure";
  }

  /** What the log calls a session: a short prefix of its token's hash, never the token. */
  public static String sessionName(String tokenHash) {
    return tokenHash == null || tokenHash.length() < SESSION_NAME_CHARS
        ? ""
        : tokenHash.substring(0, SESSION_NAME_CHARS);
  }
}
