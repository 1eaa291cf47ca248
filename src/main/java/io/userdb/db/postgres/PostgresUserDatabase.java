package io.userdb.db.postgres;

import io.userdb.audit.AuditFeed;
import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.JdbcUserDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/** The shared reads and writes over one pgjdbc connection. Not thread-safe. */
final class PostgresUserDatabase extends JdbcUserDatabase {

  private final Supplier<PgChangeListener> listener;

  private PostgresUserDatabase(
      Connection connection,
      ChangeTracker changes,
      Supplier<PgChangeListener> listener,
      String self,
      AuditFeed feed)
      throws SQLException {
    super(connection, PgDialect.INSTANCE, new PgTransactions(connection, changes, self), feed);
    this.listener = listener;
  }

  /** Prepares everything on an open connection; the caller closes it if this throws. */
  static PostgresUserDatabase on(
      Connection connection,
      ChangeTracker changes,
      Supplier<PgChangeListener> listener,
      String self,
      AuditFeed feed)
      throws SQLException {
    return new PostgresUserDatabase(connection, changes, listener, self, feed);
  }

  /**
   * Asks the backend's listener, which hears every other backend's commits (see {@link
   * PgChangeListener}).
   */
  @Override
  public long dataVersion() {
    return listener.get().look(Duration.ZERO);
  }
}
