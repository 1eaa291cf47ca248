package io.userdb.db.sqlite;

import io.userdb.db.ChangeTracker;
import io.userdb.db.DatabaseException;
import io.userdb.db.DatabaseFullException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How one connection runs work and fails: reads as they come, writes in a BEGIN IMMEDIATE
 * transaction (writers queue for the lock up front, instead of failing to upgrade it midway)
 * after a check that the file is still the one opened; failures become {@link DatabaseException}s,
 * and those that leave the connection untrustworthy mark it broken. Not thread-safe.
 */
final class Transactions {

  private static final Logger LOG = Logger.getLogger(Transactions.class.getName());

  /** One unit of SQL work. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run() throws SQLException;
  }

  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final FileIdentityGuard file;
  private final ChangeTracker changes;
  private boolean broken;

  Transactions(Statements statements, FileIdentityGuard file, ChangeTracker changes) {
    this.begin = statements.begin;
    this.commit = statements.commit;
    this.rollback = statements.rollback;
    this.file = file;
    this.changes = changes;
  }

  <T> T read(String what, SqlWork<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one write transaction, counted as a change once committed. */
  <T> T write(String what, SqlWork<T> work) {
    String problem = file.problem();
    if (problem != null) {
      broken = true;
      throw new DatabaseException("database file " + file.file() + " " + problem + ": not written");
    }
    try {
      begin.execute();
    } catch (SQLException e) {
      throw failure(what, e);
    }
    try {
      T result = work.run();
      commit.execute();
      changes.changed();
      return result;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure(what, e);
    } catch (RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
  }

  boolean isBroken() {
    return broken;
  }

  void markBroken() {
    broken = true;
  }

  private void rollbackQuietly() {
    try {
      rollback.execute();
    } catch (SQLException e) {
      // The transaction may already be gone (SQLite rolls back on some errors by itself);
      // if the connection itself is in trouble, the next use finds out.
      LOG.log(Level.FINE, "rollback failed", e);
    }
  }

  /**
   * Wraps a SQL failure. Busy and locked mean "try later" and leave the connection fit for
   * reuse; anything else (I/O, corruption, a closed connection) marks it broken so the pool
   * destroys it instead of lending it again.
   */
  private DatabaseException failure(String what, SQLException e) {
    if (SqliteErrors.isFull(e)) {
      // The write rolled back whole and reads go on, but sqlite-jdbc leaves the statement that
      // failed unusable ("statement is not executing"): this object is replaced all the same.
      broken = true;
      return new DatabaseFullException("database failed to " + what + ": " + e.getMessage(), e);
    }
    boolean busy = SqliteErrors.isBusy(e);
    if (!busy) {
      broken = true;
    }
    return new DatabaseException(
        "database failed to " + what + (busy ? " (busy)" : "") + ": " + e.getMessage(), e);
  }
}
