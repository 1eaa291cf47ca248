package io.userdb.db.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What every store does with a JDBC connection alike. */
public final class Connections {

  private static final Logger LOG = Logger.getLogger(Connections.class.getName());

  private Connections() {}

  /**
   * Closes {@code connection} (null: nothing) without throwing: it failed already or is no longer
   * wanted, and a close that fails leaves nothing to release.
   */
  public static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.log(Level.FINE, "closing a connection failed", e);
    }
  }
}
