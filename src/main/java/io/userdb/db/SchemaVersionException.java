package io.userdb.db;

/** The database was written by a newer userdb than this one; refusing protects its data. */
public class SchemaVersionException extends DatabaseException {
  private static final long serialVersionUID = 1L;

  public SchemaVersionException(int found, int supported) {
    super(
        "database schema version "
            + found
            + " is newer than this userdb supports ("
            + supported
            + "); run a newer userdb or restore a backup");
  }
}
