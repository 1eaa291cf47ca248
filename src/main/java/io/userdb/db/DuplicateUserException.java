package io.userdb.db;

import io.userdb.failure.UserFacing;

/** A user with that name exists already (names compare case-insensitively). */
public class DuplicateUserException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;

  public DuplicateUserException(String username) {
    super("user '" + username + "' exists already");
  }
}
