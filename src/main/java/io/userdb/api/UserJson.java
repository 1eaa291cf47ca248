package io.userdb.api;

import io.userdb.auth.Caller;
import io.userdb.db.User;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** The public shape of a user: never the hash, never the lockout counters. */
final class UserJson {

  private UserJson() {}

  static Map<String, Object> of(User user) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("username", user.username());
    json.put("displayName", user.displayName());
    json.put("email", user.email());
    json.put("roles", new TreeSet<>(user.roles()));
    json.put("disabled", user.disabled());
    json.put("createdAt", user.createdAt().toString());
    json.put("updatedAt", user.updatedAt().toString());
    return json;
  }

  /** What {@code /api/me} shows: the account, or just name and roles for the default user. */
  static Map<String, Object> of(Caller caller) {
    Map<String, Object> json;
    if (caller.user() != null) {
      json = of(caller.user());
    } else {
      json = new LinkedHashMap<>();
      json.put("username", caller.username());
      json.put("roles", new TreeSet<>(caller.roles()));
    }
    json.put("authenticatedBy", caller.method().jsonName());
    return json;
  }
}
