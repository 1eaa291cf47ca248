package io.userdb.db;

import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.DestroyMode;
import org.apache.commons.pool2.PooledObject;

/**
 * The pool's lifecycle for {@link UserDatabase} objects of one {@link UserStore}: create opens one;
 * activate notes the borrowing thread; validate is cheap for objects in steady use and a real query
 * for ones that sat idle; destroy closes, and reports an abandoned object with what its borrower is
 * doing now.
 */
final class UserDatabaseFactory extends BasePooledObjectFactory<UserDatabase> {

  private static final Logger LOG = Logger.getLogger(UserDatabasePool.class.getName());

  /** An object idle longer than this is checked with a query before it is lent again. */
  static final Duration DEEP_CHECK_AFTER_IDLE = Duration.ofSeconds(5);

  private final UserStore store;

  UserDatabaseFactory(UserStore store) {
    this.store = store;
  }

  @Override
  public UserDatabase create() {
    return store.open();
  }

  @Override
  public PooledObject<UserDatabase> wrap(UserDatabase db) {
    return new LentDatabase(db);
  }

  @Override
  public void activateObject(PooledObject<UserDatabase> pooled) {
    ((LentDatabase) pooled).lentTo(Thread.currentThread());
  }

  /**
   * Runs on every borrow, so it must cost next to nothing for an object in steady use: a check
   * without a round trip that catches broken and closed connections. One that sat idle (and every
   * check by the evictor) also runs a query.
   */
  @Override
  public boolean validateObject(PooledObject<UserDatabase> pooled) {
    UserDatabase db = pooled.getObject();
    if (pooled.getIdleDuration().compareTo(DEEP_CHECK_AFTER_IDLE) < 0) {
      return db.looksUsable();
    }
    return db.isUsable();
  }

  @Override
  public void destroyObject(PooledObject<UserDatabase> pooled) {
    pooled.getObject().close();
  }

  @Override
  public void destroyObject(PooledObject<UserDatabase> pooled, DestroyMode mode) {
    if (mode == DestroyMode.ABANDONED) {
      reportAbandoned((LentDatabase) pooled);
    }
    destroyObject(pooled);
  }

  /**
   * Names the thread that borrowed the object and where it is now: for a request stuck while
   * holding its object (the usual case), that is the place it is stuck. Capturing a stack at every
   * borrow instead would cost more than the rest of the borrow together.
   */
  private static void reportAbandoned(LentDatabase pooled) {
    Thread borrower = pooled.borrower();
    String where =
        borrower == null
            ? "unknown"
            : borrower.getName()
                + (borrower.isAlive()
                    ? " now at "
                        + Arrays.stream(borrower.getStackTrace())
                            .limit(40)
                            .map(StackTraceElement::toString)
                            .collect(Collectors.joining(" < "))
                    : " (ended)");
    LOG.warning(
        "reclaimed an abandoned database object, borrowed "
            + pooled.getActiveDuration().toSeconds()
            + " s ago by thread "
            + where);
  }
}
