package io.userdb.db;

/**
 * The store's server could not be reached (refused, timed out, still starting): it may answer
 * later, unlike a store that refuses (a wrong password, a missing database, a newer schema). The
 * server waits for it at start; a request gets 503.
 */
public final class StoreUnavailableException extends DatabaseException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
