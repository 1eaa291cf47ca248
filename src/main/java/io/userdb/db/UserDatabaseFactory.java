package io.userdb.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.DestroyMode;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;

/**
 * The pool's lifecycle for {@link SqliteUserDatabase}: create opens and configures a
 * connection and prepares its statements; activate notes the borrowing thread; validate is
 * cheap for objects in steady use and a real query for ones that sat idle; destroy closes,
 * and reports an abandoned object with what its borrower is doing now.
 */
final class UserDatabaseFactory extends BasePooledObjectFactory<SqliteUserDatabase> {

  private static final Logger LOG = Logger.getLogger(UserDatabasePool.class.getName());
  /** An object idle longer than this is checked with a query before it is lent again. */
  static final Duration DEEP_CHECK_AFTER_IDLE = Duration.ofSeconds(5);

  private final Path file;
  private final Duration busyTimeout;
  private final long maxDatabaseBytes;

  UserDatabaseFactory(Path file, Duration busyTimeout, long maxDatabaseBytes) {
    this.file = file;
    this.busyTimeout = busyTimeout;
    this.maxDatabaseBytes = maxDatabaseBytes;
  }

  @Override
  public SqliteUserDatabase create() {
    return SqliteUserDatabase.open(file, busyTimeout, maxDatabaseBytes);
  }

  @Override
  public PooledObject<SqliteUserDatabase> wrap(SqliteUserDatabase db) {
    return new DefaultPooledObject<>(db);
  }

  @Override
  public void activateObject(PooledObject<SqliteUserDatabase> pooled) {
    pooled.getObject().lentTo(Thread.currentThread());
  }

  /**
   * Runs on every borrow, so it must cost next to nothing for an object in steady use: a
   * field check that catches broken and closed connections. One that sat idle (and every
   * check by the evictor) also runs a query.
   */
  @Override
  public boolean validateObject(PooledObject<SqliteUserDatabase> pooled) {
    SqliteUserDatabase db = pooled.getObject();
    if (pooled.getIdleDuration().compareTo(DEEP_CHECK_AFTER_IDLE) < 0) {
      return db.isOpen() && db.fileUsableRecently();
    }
    return db.isUsable();
  }

  @Override
  public void destroyObject(PooledObject<SqliteUserDatabase> pooled) {
    pooled.getObject().close();
  }

  @Override
  public void destroyObject(PooledObject<SqliteUserDatabase> pooled, DestroyMode mode) {
    if (mode == DestroyMode.ABANDONED) {
      reportAbandoned(pooled);
    }
    destroyObject(pooled);
  }

  /**
   * Names the thread that borrowed the object and where it is now: for a request stuck
   * while holding its object (the usual case), that is the place it is stuck. Capturing a
   * stack at every borrow instead would cost more than the rest of the borrow together.
   */
  private static void reportAbandoned(PooledObject<SqliteUserDatabase> pooled) {
    Thread borrower = pooled.getObject().borrower();
    String where = borrower == null ? "unknown" : borrower.getName() + (borrower.isAlive()
        ? " now at " + Arrays.stream(borrower.getStackTrace()).limit(40).map(StackTraceElement::toString)
            .collect(Collectors.joining(" < "))
        : " (ended)");
    LOG.warning("reclaimed an abandoned database object, borrowed " + pooled.getActiveDuration().toSeconds()
        + " s ago by thread " + where);
  }
}
