package io.userdb.db;

/** A user with that name exists already (names compare case-insensitively). */
public class DuplicateUserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DuplicateUserException(String username) {
    super("user '" + username + "' exists already");
  }
}
