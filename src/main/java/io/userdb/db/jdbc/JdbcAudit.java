package io.userdb.db.jdbc;

import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditFeed;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The audit log on one connection: appends inside the caller's write transaction, and reads. An
 * append locks the chain's head row ({@link Dialect#lockAuditHead()}), so appends from every
 * backend on the store take turns and each links to the one before (the insert moves the head: a
 * schema trigger); it is the last thing a transaction does, so the head is always the last lock
 * taken and no two writers wait for each other in opposite order. Not thread-safe.
 */
final class JdbcAudit {

  private static final Logger LOG = Logger.getLogger(JdbcAudit.class.getName());

  private static final String COLUMNS =
      "seq, occurred_at, action, category, outcome, actor_id, actor_name, target_id, target_name,"
          + " client_address, route, fields, prev_hash, hash";

  private final Connection connection;
  private final Dialect dialect;
  private final AuditFeed feed;
  private final List<AuditRecord> uncommitted = new ArrayList<>();
  private final PreparedStatement lockHead;
  private final PreparedStatement readHead;
  private final PreparedStatement insert;
  private final PreparedStatement firstKept;
  private final PreparedStatement moveAnchor;
  private final PreparedStatement prune;

  JdbcAudit(Connection connection, Dialect dialect, AuditFeed feed) throws SQLException {
    this.connection = connection;
    this.dialect = dialect;
    this.feed = feed;
    String head =
        "SELECT last_seq, last_hash, first_seq, first_prev_hash FROM audit_head WHERE id = 1";
    lockHead = connection.prepareStatement(head + dialect.lockAuditHead());
    readHead = connection.prepareStatement(head);
    insert =
        connection.prepareStatement(
            "INSERT INTO audit_log ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    firstKept =
        connection.prepareStatement(
            "SELECT seq, prev_hash FROM audit_log WHERE seq >= ? AND (occurred_at >= ? OR seq >= ?)"
                + " ORDER BY seq LIMIT 1");
    moveAnchor =
        connection.prepareStatement(
            "UPDATE audit_head SET first_seq = ?, first_prev_hash = ? WHERE id = 1");
    prune = connection.prepareStatement("DELETE FROM audit_log WHERE seq < ?");
  }

  /** Appends {@code event} as the chain's next record; only inside a write transaction. */
  void append(AuditEvent event, Instant now) throws SQLException {
    if (event == null) {
      return;
    }
    AuditHead head = head(lockHead);
    AuditRecord record = AuditRecord.next(head.seq() + 1, now, event, head.hash());
    insert.setLong(1, record.seq());
    insert.setLong(2, record.at());
    insert.setString(3, record.action());
    insert.setString(4, record.category());
    insert.setString(5, record.outcome());
    setLong(insert, 6, record.actorId());
    insert.setString(7, record.actorName());
    setLong(insert, 8, record.targetId());
    insert.setString(9, record.targetName());
    insert.setString(10, record.clientAddress());
    insert.setString(11, record.route());
    insert.setString(12, record.fields());
    insert.setString(13, record.prevHash());
    insert.setString(14, record.hash());
    insert.executeUpdate();
    if (feed != AuditFeed.NONE) {
      uncommitted.add(record);
    }
  }

  /** Closes the statements, for an object made for one append (a migration's). */
  void close() throws SQLException {
    for (PreparedStatement statement :
        List.of(lockHead, readHead, insert, firstKept, moveAnchor, prune)) {
      statement.close();
    }
  }

  /**
   * The transaction committed: its records go to the feed. A feed that fails is logged, never
   * thrown: the change and its records are committed, and the caller must hear so.
   */
  void committed() {
    if (!uncommitted.isEmpty()) {
      List<AuditRecord> records = List.copyOf(uncommitted);
      uncommitted.clear();
      try {
        feed.committed(records);
      } catch (RuntimeException e) {
        LOG.warning("audit records " + records.get(0).seq() + "+ not fed on: " + e);
      }
    }
  }

  /** The transaction was rolled back: its records never were. */
  void rolledBack() {
    uncommitted.clear();
  }

  /** One pruning step: how far the anchor moved, and how many records went with it. */
  record Pruned(long passed, int removed) {}

  /**
   * Removes the records before the first one that occurred at or after {@code before} (all of them
   * if none did), {@code batch} at most, only inside a write transaction: moves the anchor to the
   * first record kept and the hash it links to, which lets the append-only guard remove the records
   * before it and no other, and appends {@code event} with what was pruned and the anchor. Nothing
   * is done (and nothing recorded) when no record is that old.
   */
  Pruned prune(Instant before, Instant now, AuditEvent event, int batch) throws SQLException {
    AuditHead head = head(lockHead);
    long keepFrom = head.seq() + 1;
    String anchor = head.hash();
    firstKept.setLong(1, head.firstSeq());
    firstKept.setLong(2, before.toEpochMilli());
    firstKept.setLong(3, head.firstSeq() + batch);
    try (ResultSet rs = firstKept.executeQuery()) {
      if (rs.next()) {
        keepFrom = rs.getLong(1);
        anchor = dialect.text(rs, 2);
      }
    }
    if (keepFrom <= head.firstSeq()) {
      return new Pruned(0, 0);
    }
    moveAnchor.setLong(1, keepFrom);
    moveAnchor.setString(2, anchor);
    moveAnchor.executeUpdate();
    prune.setLong(1, keepFrom);
    int removed = prune.executeUpdate();
    append(
        event
            .with("pruned", removed)
            .with("through_seq", keepFrom - 1)
            .with("before", before.toString())
            .with("kept_from", keepFrom)
            .with("anchor", anchor),
        now);
    return new Pruned(keepFrom - head.firstSeq(), removed);
  }

  AuditHead head() throws SQLException {
    return head(readHead);
  }

  /** The head; made with the table and never removed (the schema's triggers refuse it). */
  private static AuditHead head(PreparedStatement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the audit head is missing; the log cannot be appended to");
      }
      return new AuditHead(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4));
    }
  }

  /** One page of records; built per query (admins' searches are rare and vary). */
  List<AuditRecord> find(AuditQuery query) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT "
                + COLUMNS
                + ", "
                + dialect.auditColumnsAsDeclared()
                + " FROM audit_log WHERE ");
    List<Object> values = new ArrayList<>();
    if (query.newestFirst()) {
      sql.append("seq < ?");
      values.add(query.beforeSeq());
    } else {
      sql.append("seq > ?");
      values.add(query.afterSeq());
    }
    if (query.since() != null) {
      sql.append(" AND occurred_at >= ?");
      values.add(query.since().toEpochMilli());
    }
    if (query.until() != null) {
      sql.append(" AND occurred_at < ?");
      values.add(query.until().toEpochMilli());
    }
    if (query.action() != null) {
      sql.append(" AND action = ?");
      values.add(query.action());
    }
    if (query.outcome() != null) {
      sql.append(" AND outcome = ?");
      values.add(query.outcome());
    }
    if (query.user() != null) {
      String name = query.user().toLowerCase(Locale.ROOT);
      sql.append(" AND (LOWER(actor_name) = ? OR LOWER(target_name) = ?)");
      values.add(name);
      values.add(name);
    }
    sql.append(" ORDER BY seq ").append(query.newestFirst() ? "DESC" : "ASC").append(" LIMIT ?");
    values.add(query.limit());
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < values.size(); i++) {
        statement.setObject(i + 1, values.get(i));
      }
      List<AuditRecord> records = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          records.add(read(rs));
        }
      }
      return records;
    }
  }

  /**
   * A row as a record; one whose values are not stored as their columns declare reads with a hash
   * that cannot match, so verify names it changed.
   */
  private AuditRecord read(ResultSet rs) throws SQLException {
    String hash = dialect.text(rs, 14);
    if (!rs.getBoolean(15)) {
      hash = "stored as other types: " + hash;
    }
    return new AuditRecord(
        rs.getLong(1),
        rs.getLong(2),
        dialect.text(rs, 3),
        dialect.text(rs, 4),
        dialect.text(rs, 5),
        nullableLong(rs, 6),
        dialect.text(rs, 7),
        nullableLong(rs, 8),
        dialect.text(rs, 9),
        dialect.text(rs, 10),
        dialect.text(rs, 11),
        dialect.text(rs, 12),
        dialect.text(rs, 13),
        hash);
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static void setLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }
}
