package io.userdb.db.sqlite;

import io.userdb.db.ChangeTracker;
import io.userdb.db.DatabaseException;
import io.userdb.db.jdbc.FailureKind;
import io.userdb.db.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * SQLite's transactions: BEGIN IMMEDIATE, so writers queue for the write lock up front instead of
 * failing to upgrade it midway, after a check that the file is still the one opened. Busy and
 * locked leave the connection fit for reuse; anything else unexpected (I/O, corruption, a closed
 * connection) marks it broken so the pool destroys it. Not thread-safe.
 */
final class SqliteTransactions extends Transactions {

  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final FileIdentityGuard file;

  SqliteTransactions(Connection connection, FileIdentityGuard file, ChangeTracker changes)
      throws SQLException {
    super(changes);
    this.begin = connection.prepareStatement("BEGIN IMMEDIATE");
    this.commit = connection.prepareStatement("COMMIT");
    this.rollback = connection.prepareStatement("ROLLBACK");
    this.file = file;
  }

  @Override
  protected void beforeWrite() {
    String problem = file.problem();
    if (problem != null) {
      markBroken();
      throw new DatabaseException("database file " + file.file() + " " + problem + ": not written");
    }
  }

  @Override
  protected void begin() throws SQLException {
    begin.execute();
  }

  @Override
  protected void commit() throws SQLException {
    commit.execute();
  }

  @Override
  protected void rollback() throws SQLException {
    rollback.execute();
  }

  @Override
  protected FailureKind classify(SQLException e) {
    if (SqliteErrors.isConstraint(e)) {
      return FailureKind.DUPLICATE;
    }
    if (SqliteErrors.isBusy(e)) {
      return FailureKind.BUSY;
    }
    if (SqliteErrors.isFull(e)) {
      return FailureKind.FULL;
    }
    return FailureKind.BROKEN;
  }

  /**
   * sqlite-jdbc leaves the statement that hit SQLITE_FULL unusable ("statement is not executing").
   */
  @Override
  protected boolean fullBreaksConnection() {
    return true;
  }
}
