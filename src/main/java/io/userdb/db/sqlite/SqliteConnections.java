package io.userdb.db.sqlite;

import io.userdb.db.DatabaseException;
import io.userdb.db.jdbc.Connections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens connections to the database file with userdb's pragmas and an up-to-date schema. */
final class SqliteConnections {

  private SqliteConnections() {}

  /**
   * Opens {@code file} (which must exist, with the permissions it should keep), applies the pragmas
   * and migrates the schema. {@code maxBytes} (0 for none) becomes SQLite's max_page_count, so a
   * write that would grow the file past it fails with SQLITE_FULL and rolls back, as on a full
   * disk. Retried while SQLite answers busy, within {@code busyTimeout}.
   */
  static Connection open(Path file, Duration busyTimeout, long maxBytes) {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    while (true) {
      try {
        return openOnce(file, busyTimeout, maxBytes);
      } catch (SQLException e) {
        if (!SqliteErrors.isBusy(e) || System.nanoTime() - deadline > 0) {
          throw new DatabaseException("cannot open database " + file + ": " + e.getMessage(), e);
        }
        // Connections turning a new file to WAL at the same moment: one of them is told busy at
        // once, without SQLite's busy handler (ConcurrentOpenTest).
        pauseBeforeRetry();
      }
    }
  }

  private static Connection openOnce(Path file, Duration busyTimeout, long maxBytes)
      throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout((int) busyTimeout.toMillis());
    config.enforceForeignKeys(true);
    // The store created the file (0600) at start. Should it vanish while serving, a new
    // connection must fail loudly rather than create an empty user database in its place.
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    Connection connection = null;
    try {
      connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      SqliteSchema.migrate(connection);
      if (maxBytes > 0) {
        limitSize(connection, maxBytes);
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      Connections.closeQuietly(connection);
      throw e;
    }
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException("interrupted while opening the database", e);
    }
  }

  private static void limitSize(Connection connection, long maxBytes) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_size")) {
      rs.next();
      long pages = Math.max(1, maxBytes / rs.getLong(1));
      s.execute("PRAGMA max_page_count = " + pages);
    }
  }
}
