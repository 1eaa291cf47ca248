package io.userdb.db;

import java.time.Instant;
import java.util.Set;

/**
 * One row of the users table. {@code passwordHash} never leaves the service: API and CLI output are
 * built from the other fields.
 */
public record User(
    long id,
    String username,
    String passwordHash,
    String displayName,
    String email,
    Set<String> roles,
    boolean disabled,
    Instant createdAt,
    Instant updatedAt,
    int failedLogins,
    Instant lockedUntil) {

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  public User withPasswordHash(String hash) {
    return new User(
        id,
        username,
        hash,
        displayName,
        email,
        roles,
        disabled,
        createdAt,
        updatedAt,
        failedLogins,
        lockedUntil);
  }

  /** Everything but the hash: a record's own toString would put it in any log line or message. */
  @Override
  public String toString() {
    return "User[id="
        + id
        + ", username="
        + username
        + ", roles="
        + roles
        + ", disabled="
        + disabled
        + ", failedLogins="
        + failedLogins
        + ", lockedUntil="
        + lockedUntil
        + "]";
  }
}
