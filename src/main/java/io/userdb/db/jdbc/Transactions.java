package io.userdb.db.jdbc;

import io.userdb.db.ChangeTracker;
import io.userdb.db.DatabaseException;
import io.userdb.db.DatabaseFullException;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How one connection runs work and fails: reads as they come; writes in one transaction each,
 * counted as a change once committed, run again (a few times) when the store says nothing was
 * written and it may succeed now; failures become {@link DatabaseException}s, and those that leave
 * the connection untrustworthy mark it broken. Each store says how a transaction begins, ends and
 * fails. Not thread-safe.
 */
public abstract class Transactions {

  private static final Logger LOG = Logger.getLogger(Transactions.class.getName());

  /** Attempts of one write whose transaction the store asked to run again. */
  private static final int MAX_ATTEMPTS = 3;

  /** One unit of SQL work. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run() throws SQLException;
  }

  private final ChangeTracker changes;
  private boolean broken;
  private Runnable afterCommit = () -> {};
  private Runnable afterRollback = () -> {};

  protected Transactions(ChangeTracker changes) {
    this.changes = changes;
  }

  /**
   * What to run once a write has committed, and once one was rolled back (an attempt the store runs
   * again included): the audit records it appended go out, or are forgotten.
   */
  public final void onOutcome(Runnable committed, Runnable rolledBack) {
    this.afterCommit = committed;
    this.afterRollback = rolledBack;
  }

  /** Checks before a write begins; throws to refuse it (and may mark the connection broken). */
  protected void beforeWrite() {}

  protected abstract void begin() throws SQLException;

  protected abstract void commit() throws SQLException;

  protected abstract void rollback() throws SQLException;

  protected abstract FailureKind classify(SQLException e);

  /** Whether a full disk leaves the connection unusable (a driver may leave a statement broken). */
  protected boolean fullBreaksConnection() {
    return false;
  }

  public final <T> T read(String what, SqlWork<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one write transaction, announced to other processes on the store. */
  public final <T> T write(String what, SqlWork<T> work) {
    return write(what, work, true);
  }

  /**
   * A write other processes need not hear about, since it changes no answer they may have cached (a
   * session's last use, a sweep of sessions that ended): announcing it would cost every other
   * backend its caches, and on some stores serialise commits.
   */
  public final <T> T writeUnannounced(String what, SqlWork<T> work) {
    return write(what, work, false);
  }

  /** Tells other processes on the store, inside the transaction, that it changed something. */
  protected void announce() throws SQLException {}

  private <T> T write(String what, SqlWork<T> work, boolean announced) {
    beforeWrite();
    for (int attempt = 1; ; attempt++) {
      try {
        begin();
      } catch (SQLException e) {
        throw failure(what, e);
      }
      try {
        T result = work.run();
        if (announced) {
          announce();
        }
        commit();
        changes.changed();
        afterCommit.run();
        return result;
      } catch (SQLException e) {
        rollbackQuietly();
        afterRollback.run();
        if (attempt < MAX_ATTEMPTS && classify(e) == FailureKind.RETRY) {
          continue;
        }
        throw failure(what, e);
      } catch (RuntimeException e) {
        rollbackQuietly();
        afterRollback.run();
        throw e;
      }
    }
  }

  /** Whether {@code e} is a unique constraint failing: a username taken in any letter case. */
  public final boolean classifiesAsDuplicate(SQLException e) {
    return classify(e) == FailureKind.DUPLICATE;
  }

  public final boolean isBroken() {
    return broken;
  }

  public final void markBroken() {
    broken = true;
  }

  private void rollbackQuietly() {
    try {
      rollback();
    } catch (SQLException e) {
      // The transaction may already be gone (some stores roll back on errors by themselves);
      // if the connection itself is in trouble, the next use finds out.
      LOG.log(Level.FINE, "rollback failed", e);
    }
  }

  /** Wraps a failure, marking the connection broken where the failure says it cannot be trusted. */
  private DatabaseException failure(String what, SQLException e) {
    FailureKind kind = classify(e);
    String message = "database failed to " + what;
    switch (kind) {
      case FULL -> {
        broken |= fullBreaksConnection();
        return new DatabaseFullException(message + ": " + e.getMessage(), e);
      }
      case BUSY -> {
        return new DatabaseException(message + " (busy): " + e.getMessage(), e);
      }
      case BROKEN -> broken = true;
      default -> {}
    }
    return new DatabaseException(message + ": " + e.getMessage(), e);
  }
}
