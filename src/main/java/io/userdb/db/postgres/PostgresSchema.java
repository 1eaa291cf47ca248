package io.userdb.db.postgres;

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
 * Ordered schema migrations, tracked in {@code userdb_schema}. Migration {@code i} brings the
 * schema from version {@code i} to {@code i + 1}; append, never edit, once released. Applied under
 * a transaction-level advisory lock, so backends starting together take turns and each re-reads the
 * version first.
 *
 * <p>Usernames are unique through {@code name_key}, the lower-cased name (names are ASCII), in the
 * "C" collation: byte order, so prefix ranges work as they do in SQLite.
 */
final class PostgresSchema {

  private static final String GENESIS = AuditChain.GENESIS;

  /** Any fixed number: the advisory lock all userdb backends take while migrating. */
  private static final long MIGRATION_LOCK = 0x7573657264620001L;

  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              """
              CREATE TABLE users (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                username TEXT NOT NULL,
                name_key TEXT COLLATE "C" NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                display_name TEXT NOT NULL DEFAULT '',
                email TEXT NOT NULL DEFAULT '',
                roles TEXT NOT NULL DEFAULT '',
                disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until BIGINT NOT NULL DEFAULT 0
              )""",
              """
              CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                seq BIGINT GENERATED ALWAYS AS IDENTITY,
                user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
              )""",
              "CREATE INDEX sessions_by_user ON sessions(user_id)",
              "CREATE INDEX sessions_by_expiry ON sessions(expires_at)"),
          List.of(
              """
              CREATE TABLE login_limits (
                limit_key TEXT COLLATE "C" PRIMARY KEY,
                attempts INTEGER NOT NULL,
                last_attempt BIGINT NOT NULL,
                locked_until BIGINT NOT NULL
              )"""),
          // As SQLite's third migration: one stored, indexed end per session.
          List.of(
              "ALTER TABLE sessions ADD COLUMN ends_at BIGINT NOT NULL DEFAULT 0",
              "UPDATE sessions SET ends_at = LEAST(expires_at, last_seen_at + 1800000)",
              "DROP INDEX sessions_by_expiry",
              "CREATE INDEX sessions_by_end ON sessions(ends_at)"),
          // As SQLite's fourth migration: the audit log and its chain's head, which appends lock
          // (FOR UPDATE) so backends take turns; a trigger refuses changes and removals.
          List.of(
              """
              CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY,
                occurred_at BIGINT NOT NULL,
                action TEXT COLLATE "C" NOT NULL,
                category TEXT NOT NULL,
                outcome TEXT NOT NULL,
                actor_id BIGINT,
                actor_name TEXT NOT NULL,
                target_id BIGINT,
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
                last_seq BIGINT NOT NULL,
                last_hash TEXT NOT NULL
              )""",
              "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '" + GENESIS + "')",
              """
              CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$""",
              """
              CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
              FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
              """
              CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
              FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"""),
          // As SQLite's fifth migration: the anchor pruning moves; records before it, and only
          // those, may be removed; the anchor never moves back.
          List.of(
              "ALTER TABLE audit_head ADD COLUMN first_seq BIGINT NOT NULL DEFAULT 1",
              "ALTER TABLE audit_head ADD COLUMN first_prev_hash TEXT NOT NULL DEFAULT '"
                  + GENESIS
                  + "'",
              """
              CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
              LANGUAGE plpgsql AS $$
              BEGIN
                IF TG_OP = 'DELETE'
                    AND OLD.seq < (SELECT first_seq FROM audit_head WHERE id = 1) THEN
                  RETURN OLD;
                END IF;
                RAISE EXCEPTION 'audit records are append-only';
              END $$""",
              """
              CREATE FUNCTION audit_head_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                IF NEW.first_seq < OLD.first_seq OR NEW.first_seq > NEW.last_seq + 1 THEN
                  RAISE EXCEPTION 'the audit anchor only moves forward';
                END IF;
                RETURN NEW;
              END $$""",
              """
              CREATE TRIGGER audit_head_anchor_forward BEFORE UPDATE ON audit_head
              FOR EACH ROW EXECUTE FUNCTION audit_head_anchor_forward()"""),
          // As SQLite's sixth migration: a record goes in only as the head's next, linked to it,
          // and moves the head; the head is one row for good and moves only with the chain, its
          // anchor over day-old records only; the search by user is indexed.
          List.of(
              "CREATE INDEX audit_by_actor ON audit_log(LOWER(actor_name), seq)",
              "CREATE INDEX audit_by_target ON audit_log(LOWER(target_name), seq)",
              """
              CREATE FUNCTION audit_log_append_at_head() RETURNS trigger LANGUAGE plpgsql AS $$
              DECLARE head audit_head%ROWTYPE;
              BEGIN
                SELECT * INTO head FROM audit_head WHERE id = 1;
                IF NOT FOUND OR NEW.seq IS DISTINCT FROM head.last_seq + 1
                    OR NEW.prev_hash IS DISTINCT FROM head.last_hash THEN
                  RAISE EXCEPTION 'audit records are only appended at the head';
                END IF;
                RETURN NEW;
              END $$""",
              """
              CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log
              FOR EACH ROW EXECUTE FUNCTION audit_log_append_at_head()""",
              """
              CREATE FUNCTION audit_log_moves_the_head() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                UPDATE audit_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
                RETURN NULL;
              END $$""",
              """
              CREATE TRIGGER audit_log_moves_the_head AFTER INSERT ON audit_log
              FOR EACH ROW EXECUTE FUNCTION audit_log_moves_the_head()""",
              """
              CREATE FUNCTION audit_head_one_row() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'the audit head is one row, for good'; END $$""",
              """
              CREATE TRIGGER audit_head_no_insert_or_delete BEFORE INSERT OR DELETE ON audit_head
              FOR EACH ROW EXECUTE FUNCTION audit_head_one_row()""",
              """
              CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
              FOR EACH STATEMENT EXECUTE FUNCTION audit_head_one_row()""",
              "DROP TRIGGER audit_head_anchor_forward ON audit_head",
              "DROP FUNCTION audit_head_anchor_forward()",
              """
              CREATE FUNCTION audit_head_moves_with_the_chain() RETURNS trigger
              LANGUAGE plpgsql AS $$
              BEGIN
                IF NEW.id IS DISTINCT FROM OLD.id
                    OR NEW.first_seq < OLD.first_seq
                    OR NEW.first_seq > NEW.last_seq + 1
                    -- in parentheses: an IF's condition would end at a CASE's first THEN
                    OR (CASE WHEN NEW.last_seq = OLD.last_seq
                         THEN NEW.last_hash IS DISTINCT FROM OLD.last_hash
                         ELSE NEW.last_seq IS DISTINCT FROM OLD.last_seq + 1
                           OR NEW.last_hash IS DISTINCT FROM
                             (SELECT hash FROM audit_log WHERE seq = NEW.last_seq) END)
                    OR (CASE WHEN NEW.first_seq = OLD.first_seq
                         THEN NEW.first_prev_hash IS DISTINCT FROM OLD.first_prev_hash
                         WHEN NEW.first_seq = NEW.last_seq + 1
                         THEN NEW.first_prev_hash IS DISTINCT FROM NEW.last_hash
                         ELSE NEW.first_prev_hash IS DISTINCT FROM
                           (SELECT prev_hash FROM audit_log WHERE seq = NEW.first_seq) END)
                    OR (NEW.first_seq > OLD.first_seq AND COALESCE(
                         (SELECT MAX(occurred_at) FROM audit_log
                          WHERE seq >= OLD.first_seq AND seq < NEW.first_seq), 0)
                       > (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint - 82800000) THEN
                  RAISE EXCEPTION 'the audit head moves only with the chain';
                END IF;
                RETURN NEW;
              END $$""",
              """
              CREATE TRIGGER audit_head_moves_with_the_chain BEFORE UPDATE ON audit_head
              FOR EACH ROW EXECUTE FUNCTION audit_head_moves_with_the_chain()"""));

  static final int CURRENT_VERSION = MIGRATIONS.size();

  private PostgresSchema() {}

  /**
   * Brings the database up to {@link #CURRENT_VERSION}, in one transaction, which records {@code
   * schema.migrated} with the versions from and to (not for a new database).
   *
   * @throws SchemaVersionException if the database is newer than this code
   */
  static void migrate(Connection connection) throws SQLException {
    migrate(connection, CURRENT_VERSION);
  }

  /** Up to {@code target} only: tests make databases as older versions left them. */
  static void migrate(Connection connection, int target) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      statement.execute("CREATE TABLE IF NOT EXISTS userdb_schema (version INTEGER NOT NULL)");
      int version = version(statement);
      if (version > CURRENT_VERSION) {
        throw new SchemaVersionException(version, CURRENT_VERSION);
      }
      int from = version;
      for (; version < target; version++) {
        for (String sql : MIGRATIONS.get(version)) {
          statement.execute(sql);
        }
      }
      if (from > 0 && from < version && version == CURRENT_VERSION) {
        MigrationAudit.record(connection, PgDialect.INSTANCE, from, version, Instant.now());
      }
      statement.execute("DELETE FROM userdb_schema");
      statement.execute("INSERT INTO userdb_schema (version) VALUES (" + version + ")");
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static int version(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM userdb_schema")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
