package io.userdb.auth;

import io.userdb.failure.UserFacing;

/** Input that breaks a rule (a bad username, a short password). Maps to 400. */
public class InvalidInputException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;
  private final String code;

  public InvalidInputException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** A snake_case error code for clients to branch on. */
  public String code() {
    return code;
  }
}
