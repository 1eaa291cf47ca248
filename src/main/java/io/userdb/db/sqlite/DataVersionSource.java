package io.userdb.db.sqlite;

import io.userdb.db.ChangeTracker;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns SQLite's data_version into the store's change counter. data_version changes for a
 * connection when any other connection, in this process or another, committed since it last asked;
 * the connection's own commits are counted when they commit (see {@link
 * io.userdb.db.jdbc.Transactions#write}). Not thread-safe.
 */
final class DataVersionSource {

  private final PreparedStatement dataVersion;
  private final ChangeTracker changes;

  /** data_version as this connection last saw it; none seen yet at first. */
  private long last;

  private boolean seen;

  DataVersionSource(PreparedStatement dataVersion, ChangeTracker changes) {
    this.dataVersion = dataVersion;
    this.changes = changes;
  }

  /** Looks at SQLite and returns the counter, moved on if another connection committed. */
  long look() throws SQLException {
    long now;
    try (ResultSet rs = dataVersion.executeQuery()) {
      rs.next();
      now = rs.getLong(1);
    }
    if (!seen || now != last) {
      last = now;
      seen = true;
      return changes.changed();
    }
    return changes.version();
  }
}
