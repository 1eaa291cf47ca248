package io.userdb.db.sqlite;

import io.userdb.db.AuditLogContract;
import io.userdb.db.UserStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's contract on a real SQLite file, tampered with over plain JDBC. */
class SqliteAuditLogTest extends AuditLogContract {

  @TempDir Path folder;

  private Path file() {
    return folder.resolve("userdb.db");
  }

  @Override
  protected UserStore newStore() {
    return SqliteForTests.store(file());
  }

  @Override
  protected void asOwner(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Anyone who can write the file can drop the triggers first. */
  @Override
  protected void asIntruder(String sql) throws SQLException {
    asOwner("DROP TRIGGER IF EXISTS audit_log_no_update");
    asOwner("DROP TRIGGER IF EXISTS audit_log_no_delete");
    asOwner(sql);
  }
}
