package io.userdb.db.jdbc;

/** What a failed statement means, as a store classifies its own error codes. */
public enum FailureKind {
  /** A unique constraint: here, a username taken in any letter case. */
  DUPLICATE,
  /**
   * Nothing was written and running the transaction again may succeed (deadlock, serialization).
   */
  RETRY,
  /** Another writer held a lock beyond the wait: try later; the connection is fine. */
  BUSY,
  /** The disk or the quota is full; the write rolled back. */
  FULL,
  /** The connection cannot be trusted any more (lost, shut down, read-only, I/O, corrupt). */
  BROKEN,
  /** The store refused the statement; the connection is fine. */
  REFUSED
}
