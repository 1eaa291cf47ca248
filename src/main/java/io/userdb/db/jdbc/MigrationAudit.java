package io.userdb.db.jdbc;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditFeed;
import io.userdb.audit.AuditOrigin;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Records a schema migration ({@code schema.migrated}, from and to versions, as {@code system}) in
 * the transaction that makes it, for the stores' schema classes. Only once the schema is the one
 * this code appends to, and only for a database that had one before: a new, empty database is
 * created, not migrated.
 */
public final class MigrationAudit {

  private MigrationAudit() {}

  /** Appends the record on {@code connection}, inside its open write transaction. */
  public static void record(Connection connection, Dialect dialect, int from, int to, Instant now)
      throws SQLException {
    JdbcAudit audit = new JdbcAudit(connection, dialect, AuditFeed.NONE);
    try {
      audit.append(
          AuditEvent.success(AuditAction.SCHEMA_MIGRATED, AuditOrigin.system(null), null, null)
              .with("from", from)
              .with("to", to),
          now);
    } finally {
      audit.close();
    }
  }
}
