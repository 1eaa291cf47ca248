package io.userdb.db.sqlite;

import io.userdb.audit.AuditFeed;
import io.userdb.db.ChangeTracker;
import io.userdb.db.jdbc.JdbcUserDatabase;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The shared reads and writes over one sqlite-jdbc connection, with what only SQLite has: the
 * data_version change source and the guard that the file is still the one opened. Not thread-safe.
 */
final class SqliteUserDatabase extends JdbcUserDatabase {

  private final FileIdentityGuard file;
  private final ChangeTracker changes;
  private final DataVersionSource dataVersions;

  private SqliteUserDatabase(
      Connection connection,
      SqliteTransactions tx,
      FileIdentityGuard file,
      ChangeTracker changes,
      AuditFeed feed)
      throws SQLException {
    super(connection, SqliteDialect.INSTANCE, tx, feed);
    this.file = file;
    this.changes = changes;
    this.dataVersions =
        new DataVersionSource(connection.prepareStatement("PRAGMA data_version"), changes);
  }

  /** Prepares everything on an open connection; the caller closes it if this throws. */
  static SqliteUserDatabase on(
      Connection connection, FileIdentityGuard file, ChangeTracker changes, AuditFeed feed)
      throws SQLException {
    return new SqliteUserDatabase(
        connection, new SqliteTransactions(connection, file, changes), file, changes, feed);
  }

  /** Asks SQLite whether anything was committed elsewhere since this connection last looked. */
  @Override
  public long dataVersion() {
    long started = System.nanoTime();
    long version = tx.read("check for changes", dataVersions::look);
    changes.looked(started);
    return version;
  }

  /** The file is still the one opened and writable, and the connection answers. */
  @Override
  public boolean isUsable() {
    if (file.problem() != null) {
      tx.markBroken();
      return false;
    }
    return super.isUsable();
  }

  /** As the shared check, and the file checked within the last second. */
  @Override
  public boolean looksUsable() {
    return super.looksUsable() && file.fineRecently();
  }
}
