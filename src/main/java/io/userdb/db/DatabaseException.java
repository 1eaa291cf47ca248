package io.userdb.db;

import io.userdb.failure.UserFacing;

/**
 * The database could not do what was asked for a reason that is not the caller's fault (I/O error,
 * file gone, busy beyond the timeout). Maps to 503.
 */
public class DatabaseException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }

  public DatabaseException(String message) {
    super(message);
  }
}
