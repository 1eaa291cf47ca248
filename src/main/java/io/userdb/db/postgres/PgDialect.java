package io.userdb.db.postgres;

import io.userdb.db.jdbc.Dialect;

/** PostgreSQL's side of the shared SQL. */
final class PgDialect implements Dialect {

  static final PgDialect INSTANCE = new PgDialect();

  /**
   * Any fixed number: the advisory lock changes that may take away an admin hold while they run.
   */
  private static final long ACCESS_CHANGE_LOCK = 0x7573657264620002L;

  private PgDialect() {}

  @Override
  public String sessionSequenceColumn() {
    return "seq";
  }

  /**
   * Under READ COMMITTED two transactions demoting the last two admins would each still see the
   * other admin; a transaction-level advisory lock makes them take turns (released at commit).
   */
  @Override
  public String serializeAccessChanges() {
    return "SELECT pg_advisory_xact_lock(" + ACCESS_CHANGE_LOCK + ")";
  }

  /**
   * Under READ COMMITTED, a second appender waits for the first to commit and then reads the head
   * it left.
   */
  @Override
  public String lockAuditHead() {
    return " FOR UPDATE";
  }

  /** PostgreSQL's columns hold their declared types only. */
  @Override
  public String auditColumnsAsDeclared() {
    return "TRUE";
  }
}
