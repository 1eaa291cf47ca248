package io.userdb.db.sqlite;

import io.userdb.db.SchemaVersionException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Ordered schema migrations, tracked in {@code PRAGMA user_version}. Migration {@code i} brings the
 * schema from version {@code i} to {@code i + 1}; append, never edit, once released.
 *
 * <p>Usernames are unique through {@code name_key}, the lower-cased name (names are ASCII), which
 * keeps case-insensitive uniqueness and prefix search in plain, indexable SQL on any database.
 */
final class SqliteSchema {

  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              """
              CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL,
                name_key TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                display_name TEXT NOT NULL DEFAULT '',
                email TEXT NOT NULL DEFAULT '',
                roles TEXT NOT NULL DEFAULT '',
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until INTEGER NOT NULL DEFAULT 0
              )""",
              """
              CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
              )""",
              "CREATE INDEX sessions_by_user ON sessions(user_id)",
              "CREATE INDEX sessions_by_expiry ON sessions(expires_at)"),
          List.of(
              """
              CREATE TABLE login_limits (
                limit_key TEXT PRIMARY KEY,
                attempts INTEGER NOT NULL,
                last_attempt INTEGER NOT NULL,
                locked_until INTEGER NOT NULL
              ) WITHOUT ROWID"""),
          // One stored end per session, the earlier of its expiry and the end of its idle time,
          // so reads and sweeps compare one indexed column. Sessions from before end after 30
          // minutes unused (the default idle timeout) until their next use sets their own.
          List.of(
              "ALTER TABLE sessions ADD COLUMN ends_at INTEGER NOT NULL DEFAULT 0",
              "UPDATE sessions SET ends_at = MIN(expires_at, last_seen_at + 1800000)",
              "DROP INDEX sessions_by_expiry",
              "CREATE INDEX sessions_by_end ON sessions(ends_at)"));

  static final int CURRENT_VERSION = MIGRATIONS.size();

  private SqliteSchema() {}

  /**
   * Brings the database up to {@link #CURRENT_VERSION}. Safe to call from several processes at
   * once: each step re-reads the version inside an immediate (write-locked) transaction.
   *
   * @throws SchemaVersionException if the database is newer than this code
   */
  static void migrate(Connection connection) throws SQLException {
    migrate(connection, CURRENT_VERSION);
  }

  /** Up to {@code target} only: tests make databases as older versions left them. */
  static void migrate(Connection connection, int target) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      int version = version(statement);
      if (version > CURRENT_VERSION) {
        throw new SchemaVersionException(version, CURRENT_VERSION);
      }
      while (version < target) {
        statement.execute("BEGIN IMMEDIATE");
        try {
          version = version(statement);
          if (version < target) {
            for (String sql : MIGRATIONS.get(version)) {
              statement.execute(sql);
            }
            version++;
            statement.execute("PRAGMA user_version = " + version);
          }
          statement.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
          statement.execute("ROLLBACK");
          throw e;
        }
      }
    }
  }

  static int version(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
