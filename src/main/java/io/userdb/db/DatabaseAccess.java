package io.userdb.db;

/**
 * How one unit of work (a request, a CLI command) reaches its {@link UserDatabase}. Work that
 * spends long on the CPU without the database (hashing a password) calls {@link #release()} first,
 * so a pooled object is not held idle while other requests wait for one; the next {@link #db()}
 * takes one again.
 */
public interface DatabaseAccess {

  UserDatabase db();

  /**
   * {@link UserDatabase#dataVersion()}, or the same number from memory where the access allows a
   * view of other processes' commits a moment old (the pool's, see {@link
   * PoolSettings#changeCheckInterval()}). Commits made through this process count at once either
   * way.
   */
  default long dataVersion() {
    return db().dataVersion();
  }

  /** Gives a pooled object back early; harmless when none is held. */
  void release();

  /** Access to one fixed object that is never given back (the CLI's single connection). */
  static DatabaseAccess of(UserDatabase db) {
    return new DatabaseAccess() {
      @Override
      public UserDatabase db() {
        return db;
      }

      @Override
      public void release() {}
    };
  }
}
