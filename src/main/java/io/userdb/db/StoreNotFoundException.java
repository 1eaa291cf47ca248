package io.userdb.db;

/** The store the admin commands were pointed at does not exist (only {@code serve} creates one). */
public final class StoreNotFoundException extends DatabaseException {
  private static final long serialVersionUID = 1L;

  public StoreNotFoundException(String message) {
    super(message);
  }
}
