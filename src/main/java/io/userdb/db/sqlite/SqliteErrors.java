package io.userdb.db.sqlite;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;

/** What a SQLite failure means, by its primary result code (the low byte of the extended one). */
final class SqliteErrors {

  private SqliteErrors() {}

  /** Another connection holds a lock: try later; the connection is fine. */
  static boolean isBusy(SQLException e) {
    int code = primaryCode(e);
    return code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code;
  }

  static boolean isConstraint(SQLException e) {
    return primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  /** The disk, or the configured quota (max_page_count), is full. */
  static boolean isFull(SQLException e) {
    return primaryCode(e) == SQLiteErrorCode.SQLITE_FULL.code;
  }

  private static int primaryCode(SQLException e) {
    return e.getErrorCode() & 0xff;
  }
}
