package io.userdb.audit;

/**
 * Who caused an audit event and from where: an account (id and name), or {@code anonymous} (a
 * sign-in not yet known to be anyone), {@code cli:<os user>} (an admin command), {@code system}
 * (the service itself); the client address as the per-address limit sees it; the backend's route in
 * an Apache balancer ("" when not balanced).
 *
 * @param actorId the account's id, or null when the actor is no account
 */
public record AuditOrigin(Long actorId, String actorName, String clientAddress, String route) {

  public static final String ANONYMOUS = "anonymous";
  public static final String SYSTEM = "system";

  public AuditOrigin {
    if (actorName == null || actorName.isEmpty()) {
      throw new IllegalArgumentException("an audit origin names its actor");
    }
    route = route == null ? "" : route;
  }

  /** An account acting through a request. */
  public static AuditOrigin user(long id, String name, String clientAddress, String route) {
    return new AuditOrigin(id, name, clientAddress, route);
  }

  /** A request whose sender is not known to be anyone (a sign-in before it succeeded). */
  public static AuditOrigin anonymous(String clientAddress, String route) {
    return new AuditOrigin(null, ANONYMOUS, clientAddress, route);
  }

  /** An admin command, run by {@code osUser} on the store directly. */
  public static AuditOrigin cli(String osUser) {
    return new AuditOrigin(null, "cli:" + (osUser == null ? "unknown" : osUser), null, "");
  }

  /** The service itself (starting, stopping, sweeping). */
  public static AuditOrigin system(String route) {
    return new AuditOrigin(null, SYSTEM, null, route);
  }

  /** The same origin acting as the account {@code id, name} (a sign-in that succeeded). */
  public AuditOrigin as(long id, String name) {
    return new AuditOrigin(id, name, clientAddress, route);
  }

  /** Whether the actor is the account {@code id}: a change to one's own account. */
  public boolean isAccount(long id) {
    return actorId != null && actorId == id;
  }
}
