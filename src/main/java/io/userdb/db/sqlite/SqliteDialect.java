package io.userdb.db.sqlite;

import io.userdb.db.jdbc.Dialect;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/** SQLite's side of the shared SQL. */
final class SqliteDialect implements Dialect {

  static final SqliteDialect INSTANCE = new SqliteDialect();

  private SqliteDialect() {}

  @Override
  public String sessionSequenceColumn() {
    return "rowid";
  }

  /**
   * None needed: every write transaction holds SQLite's one write lock from its BEGIN IMMEDIATE.
   */
  @Override
  public String serializeAccessChanges() {
    return null;
  }

  /** None needed: the write transaction holds SQLite's one write lock from its BEGIN IMMEDIATE. */
  @Override
  public String lockAuditHead() {
    return "";
  }

  /** SQLite keeps whatever type it is given, whatever the column says. */
  @Override
  public String auditColumnsAsDeclared() {
    return "(typeof(seq) = 'integer' AND typeof(occurred_at) = 'integer'"
        + " AND typeof(action) = 'text' AND typeof(category) = 'text'"
        + " AND typeof(outcome) = 'text' AND typeof(actor_id) IN ('integer', 'null')"
        + " AND typeof(actor_name) = 'text' AND typeof(target_id) IN ('integer', 'null')"
        + " AND typeof(target_name) IN ('text', 'null')"
        + " AND typeof(client_address) IN ('text', 'null') AND typeof(route) = 'text'"
        + " AND typeof(fields) = 'text' AND typeof(prev_hash) = 'text' AND typeof(hash) = 'text')";
  }

  /**
   * A TEXT column, read as its UTF-8 bytes. sqlite-jdbc's getString wraps every value in a new
   * direct ByteBuffer through JNI, which made up much of what reading a listing cost
   * (docs/PERFORMANCE-HISTORY.md); the bytes come back in one plain array.
   */
  @Override
  public String text(ResultSet rs, int column) throws SQLException {
    byte[] utf8 = rs.getBytes(column);
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }
}
