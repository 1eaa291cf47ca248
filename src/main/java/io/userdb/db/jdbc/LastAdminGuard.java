package io.userdb.db.jdbc;

import io.userdb.db.LastAdminException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Keeps at least one enabled admin, checked inside the write transaction that makes a change. Such
 * transactions take turns (SQLite's writers hold the write lock from BEGIN IMMEDIATE on; elsewhere
 * the dialect's {@link Dialect#serializeAccessChanges()} statement makes them), so two admins
 * demoting each other at once are serialised and the second finds the first already gone. Not
 * thread-safe, like the connection its statements belong to.
 */
final class LastAdminGuard {

  private static final String ENABLED_ADMIN =
      "disabled = 0 AND ',' || roles || ',' LIKE '%,admin,%'";

  private final PreparedStatement isEnabledAdmin;
  private final PreparedStatement anyEnabledAdmin;
  private final PreparedStatement takeTurn;

  LastAdminGuard(Connection connection, Dialect dialect) throws SQLException {
    String turn = dialect.serializeAccessChanges();
    takeTurn = turn == null ? null : connection.prepareStatement(turn);
    isEnabledAdmin =
        connection.prepareStatement("SELECT 1 FROM users WHERE name_key = ? AND " + ENABLED_ADMIN);
    anyEnabledAdmin =
        connection.prepareStatement("SELECT 1 FROM users WHERE " + ENABLED_ADMIN + " LIMIT 1");
  }

  /**
   * Whether the user is an enabled admin now, before the change: only then can the change take away
   * the last one. Installations that have none already (an admin disabled by hand) may still change
   * other users, and the CLI may make a new admin.
   */
  boolean guards(String nameKey) throws SQLException {
    if (takeTurn != null) {
      takeTurn.execute();
    }
    isEnabledAdmin.setString(1, nameKey);
    try (ResultSet rs = isEnabledAdmin.executeQuery()) {
      return rs.next();
    }
  }

  /**
   * After the change, in the same transaction: refuses it if no enabled admin is left. The caller's
   * transaction then rolls back.
   *
   * @throws LastAdminException if no enabled admin remains
   */
  void requireOneLeft(String username) throws SQLException {
    try (ResultSet rs = anyEnabledAdmin.executeQuery()) {
      if (!rs.next()) {
        throw new LastAdminException(username);
      }
    }
  }
}
