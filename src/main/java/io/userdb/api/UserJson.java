package io.userdb.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.userdb.auth.Caller;
import io.userdb.db.User;
import java.util.Set;
import java.util.TreeSet;

/**
 * The public shape of a user: never the hash, never the lockout counters. A record rather than a
 * map: the fields and their order are in one place, and Jackson writes it with a serializer built
 * once, cheaper than a map on every {@code GET /api/me} (docs/PERFORMANCE-HISTORY.md). Absent
 * fields are left out: the default user has no account, only {@code /api/me} says how the caller
 * was recognised, and only a sign-in asked to return somewhere says where ({@code returnTo}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record UserJson(
    String username,
    String displayName,
    String email,
    Set<String> roles,
    Boolean disabled,
    String createdAt,
    String updatedAt,
    String authenticatedBy,
    String returnTo) {

  static UserJson of(User user) {
    return of(user, null);
  }

  /** What {@code /api/me} shows: the account, or just name and roles for the default user. */
  static UserJson of(Caller caller) {
    String method = caller.method().jsonName();
    if (caller.user() != null) {
      return of(caller.user(), method);
    }
    return new UserJson(
        caller.username(),
        null,
        null,
        new TreeSet<>(caller.roles()),
        null,
        null,
        null,
        method,
        null);
  }

  private static UserJson of(User user, String authenticatedBy) {
    return new UserJson(
        user.username(),
        user.displayName(),
        user.email(),
        new TreeSet<>(user.roles()),
        user.disabled(),
        user.createdAt().toString(),
        user.updatedAt().toString(),
        authenticatedBy,
        null);
  }

  /** The same user, with the page the sign-in sends the browser back to. */
  UserJson returningTo(String path) {
    return new UserJson(
        username, displayName, email, roles, disabled, createdAt, updatedAt, authenticatedBy, path);
  }
}
