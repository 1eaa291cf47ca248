package io.userdb.db;

import java.time.Duration;

/**
 * No database object, or for a costly query no turn ({@link CostlyQueries}), became free within the
 * pool's max-wait. Maps to 503 with Retry-After.
 */
public class PoolExhaustedException extends DatabaseException {
  private static final long serialVersionUID = 1L;

  private PoolExhaustedException(String message) {
    super(message);
  }

  static PoolExhaustedException noTurn(Duration maxWait, int waiters) {
    return new PoolExhaustedException(
        "no turn for a costly query within "
            + maxWait.toMillis()
            + " ms ("
            + waiters
            + " waiting)");
  }

  public PoolExhaustedException(Duration maxWait, int active, int maxTotal, int waiters) {
    super(
        "no database connection free within "
            + maxWait.toMillis()
            + " ms (active "
            + active
            + " of "
            + maxTotal
            + ", "
            + waiters
            + " waiting)");
  }
}
