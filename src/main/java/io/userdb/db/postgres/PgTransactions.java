package io.userdb.db.postgres;

import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.FailureKind;
import io.userdb.db.jdbc.Transactions;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * PostgreSQL's transactions, READ COMMITTED: pgjdbc sends BEGIN with the first statement after
 * auto-commit is turned off, so a transaction costs no extra round trip. Not thread-safe.
 */
final class PgTransactions extends Transactions {

  private final Connection connection;

  PgTransactions(Connection connection, ChangeTracker changes) {
    super(changes);
    this.connection = connection;
  }

  @Override
  protected void begin() throws SQLException {
    connection.setAutoCommit(false);
  }

  @Override
  protected void commit() throws SQLException {
    connection.commit();
    connection.setAutoCommit(true);
  }

  @Override
  protected void rollback() throws SQLException {
    try {
      connection.rollback();
    } finally {
      connection.setAutoCommit(true);
    }
  }

  @Override
  protected FailureKind classify(SQLException e) {
    return PgErrors.classify(e);
  }
}
