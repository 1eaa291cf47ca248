package io.userdb.db;

import io.userdb.failure.UserFacing;

/**
 * A change was refused because it would leave no enabled admin: no one could then manage users over
 * the API. Nothing was changed. Maps to 409 (the request is valid and allowed, but conflicts with
 * the current state; it succeeds once another admin exists).
 */
public class LastAdminException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;

  public LastAdminException(String username) {
    super(
        "'"
            + username
            + "' is the last enabled admin; make another user admin first"
            + " (nothing was changed)");
  }
}
