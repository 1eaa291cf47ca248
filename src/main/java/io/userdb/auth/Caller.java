package io.userdb.auth;

import io.userdb.db.User;
import java.util.Set;

/**
 * Who is asking. {@code user} is null only for the default user, who exists in configuration, not
 * in the database; {@code sessionHash} is set when a session cookie identified the caller.
 */
public record Caller(
    String username, Set<String> roles, AuthMethod method, User user, String sessionHash) {

  public static final String ADMIN = "admin";
  public static final String USER = "user";
  public static final String GUEST = "guest";

  static Caller of(User user, AuthMethod method, String sessionHash) {
    return new Caller(user.username(), user.roles(), method, user, sessionHash);
  }

  public static Caller defaultUser(String name) {
    return new Caller(name, Set.of(GUEST), AuthMethod.DEFAULT, null, null);
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN);
  }

  /** Signed in as a real account (not the default guest). */
  public boolean isAuthenticated() {
    return user != null;
  }

  public boolean is(String name) {
    return username.equalsIgnoreCase(name);
  }
}
