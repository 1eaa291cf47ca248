package io.userdb.db.postgres;

import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.JdbcUserDatabase;
import java.sql.Connection;
import java.sql.SQLException;

/** The shared reads and writes over one pgjdbc connection. Not thread-safe. */
final class PostgresUserDatabase extends JdbcUserDatabase {

  private final ChangeTracker changes;

  private PostgresUserDatabase(Connection connection, ChangeTracker changes) throws SQLException {
    super(connection, PgDialect.INSTANCE, new PgTransactions(connection, changes));
    this.changes = changes;
  }

  /** Prepares everything on an open connection; the caller closes it if this throws. */
  static PostgresUserDatabase on(Connection connection, ChangeTracker changes) throws SQLException {
    return new PostgresUserDatabase(connection, changes);
  }

  /**
   * Every call is a new number: nothing read from this store is answered from memory, since
   * nothing yet tells this process when another backend commits. Correct, at the price of the
   * caches.
   */
  @Override
  public long dataVersion() {
    return changes.changed();
  }
}
