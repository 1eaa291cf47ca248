package io.userdb.db.sqlite;

import io.userdb.audit.AuditChain;
import io.userdb.db.SchemaVersionException;
import io.userdb.db.jdbc.MigrationAudit;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Ordered schema migrations, tracked in {@code PRAGMA user_version}. Migration {@code i} brings the
 * schema from version {@code i} to {@code i + 1}; append, never edit, once released.
 *
 * <p>Usernames are unique through {@code name_key}, the lower-cased name (names are ASCII), which
 * keeps case-insensitive uniqueness and prefix search in plain, indexable SQL on any database.
 */
final class SqliteSchema {

  private static final String GENESIS = AuditChain.GENESIS;

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
              "CREATE INDEX sessions_by_end ON sessions(ends_at)"),
          // The audit log: a hash chain whose head row appends lock and move (io.userdb.audit).
          // Seq is given by the appender from the head, so the chain has no gaps; the triggers
          // keep records from being changed or removed through SQL that goes by the rules.
          List.of(
              """
              CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY,
                occurred_at INTEGER NOT NULL,
                action TEXT NOT NULL,
                category TEXT NOT NULL,
                outcome TEXT NOT NULL,
                actor_id INTEGER,
                actor_name TEXT NOT NULL,
                target_id INTEGER,
                target_name TEXT,
                client_address TEXT,
                route TEXT NOT NULL,
                fields TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
              )""",
              "CREATE INDEX audit_by_action ON audit_log(action, seq)",
              """
              CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq INTEGER NOT NULL,
                last_hash TEXT NOT NULL
              )""",
              "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '" + GENESIS + "')",
              """
              CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
              """
              CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"""),
          // Retention: the anchor the chain starts from (its first kept record and the hash that
          // record links to), moved only by pruning, which may remove the records before it and
          // no others; the anchor never moves back.
          List.of(
              "ALTER TABLE audit_head ADD COLUMN first_seq INTEGER NOT NULL DEFAULT 1",
              "ALTER TABLE audit_head ADD COLUMN first_prev_hash TEXT NOT NULL DEFAULT '"
                  + GENESIS
                  + "'",
              "DROP TRIGGER audit_log_no_delete",
              """
              CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
              WHEN OLD.seq >= (SELECT first_seq FROM audit_head WHERE id = 1)
              BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
              """
              CREATE TRIGGER audit_head_anchor_forward BEFORE UPDATE ON audit_head
              WHEN NEW.first_seq < OLD.first_seq OR NEW.first_seq > NEW.last_seq + 1
              BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END"""),
          // Closing what the triggers above leave open to SQL that goes by the rules: a record
          // goes in only as the head's next, linked to it (INSERT OR REPLACE deletes without
          // firing delete triggers, so this is what stops it replacing one), and moves the head
          // itself, so a record put there by hand is a link verify names, not a head every append
          // then collides with; the head is one row for good, and moves only with the chain: to
          // the next record's seq and hash, its anchor forward to a kept record and the hash that
          // record links to, over records a day old by the database's clock (the retention's
          // floor, less an hour for clocks apart), so no statement erases recent ones. And the
          // search by user (as actor or as target, in any letters) is indexed.
          List.of(
              "CREATE INDEX audit_by_actor ON audit_log(LOWER(actor_name), seq)",
              "CREATE INDEX audit_by_target ON audit_log(LOWER(target_name), seq)",
              """
              CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log
              WHEN NEW.seq IS NOT (SELECT last_seq + 1 FROM audit_head WHERE id = 1)
                OR NEW.prev_hash IS NOT (SELECT last_hash FROM audit_head WHERE id = 1)
              BEGIN SELECT RAISE(ABORT, 'audit records are only appended at the head'); END""",
              """
              CREATE TRIGGER audit_log_moves_the_head AFTER INSERT ON audit_log
              BEGIN UPDATE audit_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1; END""",
              """
              CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head
              BEGIN SELECT RAISE(ABORT, 'the audit head is one row, for good'); END""",
              """
              CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
              BEGIN SELECT RAISE(ABORT, 'the audit head is one row, for good'); END""",
              "DROP TRIGGER audit_head_anchor_forward",
              """
              CREATE TRIGGER audit_head_moves_with_the_chain BEFORE UPDATE ON audit_head
              WHEN NEW.id IS NOT OLD.id
                OR NEW.first_seq < OLD.first_seq
                OR NEW.first_seq > NEW.last_seq + 1
                OR CASE WHEN NEW.last_seq = OLD.last_seq
                     THEN NEW.last_hash IS NOT OLD.last_hash
                     ELSE NEW.last_seq IS NOT OLD.last_seq + 1 OR NEW.last_hash IS NOT
                       (SELECT hash FROM audit_log WHERE seq = NEW.last_seq) END
                OR CASE WHEN NEW.first_seq = OLD.first_seq
                     THEN NEW.first_prev_hash IS NOT OLD.first_prev_hash
                     WHEN NEW.first_seq = NEW.last_seq + 1
                     THEN NEW.first_prev_hash IS NOT NEW.last_hash
                     ELSE NEW.first_prev_hash IS NOT
                       (SELECT prev_hash FROM audit_log WHERE seq = NEW.first_seq) END
                OR (NEW.first_seq > OLD.first_seq AND COALESCE(
                     (SELECT MAX(occurred_at) FROM audit_log
                      WHERE seq >= OLD.first_seq AND seq < NEW.first_seq), 0)
                   > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 82800000)
              BEGIN SELECT RAISE(ABORT, 'the audit head moves only with the chain'); END"""));

  static final int CURRENT_VERSION = MIGRATIONS.size();

  private SqliteSchema() {}

  /**
   * Brings the database up to {@link #CURRENT_VERSION}. Safe to call from several processes at
   * once: each step re-reads the version inside an immediate (write-locked) transaction. The step
   * that reaches it records {@code schema.migrated} from the version this call found (not for a new
   * database); several processes sharing the steps each record their own.
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
      int from = -1;
      while (version < target) {
        statement.execute("BEGIN IMMEDIATE");
        try {
          version = version(statement);
          if (version < target) {
            from = from < 0 ? version : from;
            for (String sql : MIGRATIONS.get(version)) {
              statement.execute(sql);
            }
            version++;
            if (from > 0 && version == CURRENT_VERSION) { // the last step records them all
              MigrationAudit.record(
                  connection, SqliteDialect.INSTANCE, from, version, Instant.now());
            }
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
