package io.userdb.db.postgres;

import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.FailureKind;
import io.userdb.db.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * PostgreSQL's transactions, READ COMMITTED: pgjdbc sends BEGIN with the first statement after
 * auto-commit is turned off, so a transaction costs no extra round trip. Not thread-safe.
 */
final class PgTransactions extends Transactions {

  private final Connection connection;
  private final PreparedStatement notify;

  PgTransactions(Connection connection, ChangeTracker changes, String self) throws SQLException {
    super(changes);
    this.connection = connection;
    this.notify =
        connection.prepareStatement("SELECT pg_notify('" + PgChangeListener.CHANNEL + "', ?)");
    notify.setString(1, self);
  }

  /** Delivered to every listening backend when (and only if) the transaction commits. */
  @Override
  protected void announce() throws SQLException {
    notify.executeQuery().close();
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
