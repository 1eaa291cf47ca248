package io.userdb.db.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where the stores' SQL differs. The schema is the same on every store (INTEGER times in epoch
 * milliseconds, {@code disabled} as 0/1, roles as one text column), so the statements are too, but
 * for these few points.
 */
public interface Dialect {

  /** A column that orders a user's sessions by creation when two share a millisecond. */
  String sessionSequenceColumn();

  /**
   * A statement run first in a transaction that may take away an admin, which makes such
   * transactions take turns where the store's write transactions do not already; null if they do.
   */
  String serializeAccessChanges();

  /**
   * What makes reading the audit chain's head row lock it until the transaction ends (" FOR
   * UPDATE"), so appends from several connections take turns; "" where write transactions take
   * turns already.
   */
  String lockAuditHead();

  /**
   * An SQL expression over an audit_log row, true when each column holds the type its table says: a
   * store whose columns take any type could hold a value that reads back as the one hashed while
   * comparing otherwise (a number as text, text as a blob), which hides it from searches.
   */
  String auditColumnsAsDeclared();

  /** Reads a TEXT column; a store may know a faster way than {@link ResultSet#getString}. */
  default String text(ResultSet rs, int column) throws SQLException {
    return rs.getString(column);
  }
}
