package io.userdb.db;

/**
 * A write found no room: the disk is full, or the database reached its configured size limit. The
 * transaction rolled back whole; what was stored is untouched and reads still work.
 */
public class DatabaseFullException extends DatabaseException {
  private static final long serialVersionUID = 1L;

  public DatabaseFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
