package io.userdb.db;

import java.time.Duration;

/** No database object became free within the pool's max-wait. Maps to 503 with Retry-After. */
public class PoolExhaustedException extends DatabaseException {
  private static final long serialVersionUID = 1L;

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
