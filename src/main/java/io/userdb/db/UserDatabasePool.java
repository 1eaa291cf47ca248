package io.userdb.db;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.commons.pool2.impl.AbandonedConfig;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * The pool of {@link UserDatabase} objects that request handlers borrow from. Each object owns one
 * connection to the {@link UserStore}, so requests no longer queue behind one global lock: they run
 * side by side, and only writers take turns, inside the store.
 *
 * <pre>{@code
 * try (UserDatabasePool.Lease lease = pool.borrow()) {
 *   lease.db().findUser(name);
 * } // returned, or destroyed if its connection failed
 * }</pre>
 *
 * <p>Request handlers use {@link #access()}, which can let go of the object while a password is
 * hashed and take one again after.
 *
 * <p>Thread-safe.
 */
public final class UserDatabasePool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(UserDatabasePool.class.getName());

  private final GenericObjectPool<UserDatabase> pool;
  private final PoolSettings settings;
  private final UserStore store;
  private final ChangeTracker changes;
  private final Timer borrowWait;

  public UserDatabasePool(UserStore store, PoolSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.store = store;
    this.changes = store.changes();
    this.pool =
        new GenericObjectPool<>(
            new UserDatabaseFactory(store), poolConfig(settings), abandonedConfig(settings));
    this.borrowWait =
        Timer.builder("userdb.pool.borrow.wait")
            .description("Time a request waited for a database object")
            .publishPercentileHistogram()
            .register(registry);
    bindMetrics(registry);
  }

  private static GenericObjectPoolConfig<UserDatabase> poolConfig(PoolSettings settings) {
    GenericObjectPoolConfig<UserDatabase> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(settings.maxTotal());
    config.setMaxIdle(settings.maxTotal());
    config.setMinIdle(settings.minIdle());
    config.setBlockWhenExhausted(true);
    config.setMaxWait(settings.maxWait());
    config.setLifo(true);
    // Catches connections closed underneath before a request does; cheap for busy objects.
    config.setTestOnBorrow(true);
    config.setTestWhileIdle(true);
    config.setTimeBetweenEvictionRuns(PoolSettings.EVICTION_INTERVAL);
    config.setSoftMinEvictableIdleDuration(PoolSettings.SOFT_MIN_EVICTABLE_IDLE);
    config.setNumTestsPerEvictionRun(settings.maxTotal());
    config.setJmxEnabled(true);
    config.setJmxNamePrefix("userdb");
    return config;
  }

  private static AbandonedConfig abandonedConfig(PoolSettings settings) {
    AbandonedConfig config = new AbandonedConfig();
    config.setRemoveAbandonedOnMaintenance(true);
    config.setRemoveAbandonedOnBorrow(true);
    config.setRemoveAbandonedTimeout(settings.abandonedTimeout());
    // The factory reports what the borrower is doing when its object is reclaimed; commons-pool's
    // own report would capture a stack trace at every borrow.
    config.setLogAbandoned(false);
    return config;
  }

  private void bindMetrics(MeterRegistry registry) {
    Gauge.builder("userdb.pool.active", pool, GenericObjectPool::getNumActive)
        .description("Database objects lent out")
        .register(registry);
    Gauge.builder("userdb.pool.idle", pool, GenericObjectPool::getNumIdle)
        .description("Database objects waiting in the pool")
        .register(registry);
    Gauge.builder("userdb.pool.waiters", pool, GenericObjectPool::getNumWaiters)
        .description("Requests waiting for a database object")
        .register(registry);
    Gauge.builder("userdb.pool.max", pool, GenericObjectPool::getMaxTotal)
        .description("Database objects at most")
        .register(registry);
    // One name with an event tag: Prometheus reserves the "_created" suffix for itself.
    FunctionCounter.builder("userdb.pool.objects", pool, GenericObjectPool::getCreatedCount)
        .description("Database objects opened (created) and closed (destroyed)")
        .tag("event", "created")
        .register(registry);
    FunctionCounter.builder("userdb.pool.objects", pool, GenericObjectPool::getDestroyedCount)
        .description("Database objects opened (created) and closed (destroyed)")
        .tag("event", "destroyed")
        .register(registry);
  }

  /** Opens {@code minIdle} objects now, so the first requests and a bad file fail early. */
  public void warmUp() {
    try (Lease lease = borrow()) {
      lease.db().isUsable();
    }
    try {
      pool.preparePool();
    } catch (Exception e) {
      throw new DatabaseException("cannot open database objects: " + e.getMessage(), e);
    }
  }

  /**
   * Borrows a database object, waiting at most the configured max-wait.
   *
   * @throws PoolExhaustedException if none became free in time
   * @throws DatabaseException if a new object could not be opened
   */
  public Lease borrow() {
    long start = System.nanoTime();
    try {
      return new Lease(pool.borrowObject(settings.maxWait()));
    } catch (NoSuchElementException e) {
      if (pool.getNumActive() >= pool.getMaxTotal()) {
        throw new PoolExhaustedException(
            settings.maxWait(), pool.getNumActive(), pool.getMaxTotal(), pool.getNumWaiters());
      }
      throw new DatabaseException("cannot lend a database object: " + e.getMessage(), e);
    } catch (DatabaseException e) {
      throw e;
    } catch (Exception e) {
      throw new DatabaseException("cannot open a database object: " + e.getMessage(), e);
    } finally {
      borrowWait.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** Access for one request: borrows on first use, may let go during slow work, closes once. */
  public Access access() {
    return new Access();
  }

  public PoolStats stats() {
    return new PoolStats(
        pool.getNumActive(),
        pool.getNumIdle(),
        pool.getMaxTotal(),
        pool.getNumWaiters(),
        pool.getCreatedCount(),
        pool.getDestroyedCount());
  }

  /** Closes idle objects now; lent ones are closed as they come back. */
  @Override
  public void close() {
    pool.close();
  }

  /** Snapshot of the pool's counters. */
  public record PoolStats(
      int active, int idle, int maxTotal, int waiters, long created, long destroyed) {}

  /**
   * One borrowed object. {@link #close()} gives it back, or destroys it if a failure showed its
   * connection cannot be trusted; calling it twice is harmless.
   */
  public final class Lease implements AutoCloseable {
    private UserDatabase db;

    private Lease(UserDatabase db) {
      this.db = db;
    }

    public UserDatabase db() {
      if (db == null) {
        throw new IllegalStateException("lease already closed");
      }
      return db;
    }

    @Override
    public void close() {
      UserDatabase lent = db;
      if (lent == null) {
        return;
      }
      db = null;
      try {
        if (lent.isBroken()) {
          // What broke one connection (a restarted server, a failover) has most likely broken
          // the idle ones too: they are opened afresh rather than each failing a request first.
          pool.clear();
          pool.invalidateObject(lent);
        } else {
          pool.returnObject(lent);
        }
      } catch (Exception e) {
        // Typically: reclaimed as abandoned while this request held it. Nothing to give back.
        LOG.log(Level.WARNING, "could not give a database object back to the pool: " + e);
      }
    }
  }

  /** A {@link DatabaseAccess} that borrows lazily and gives back on release or close. */
  public final class Access implements DatabaseAccess, AutoCloseable {
    private Lease lease;

    private Access() {}

    @Override
    public UserDatabase db() {
      if (lease == null) {
        lease = borrow();
      }
      return lease.db();
    }

    /**
     * From memory while a look at the store began within the change-check interval; else from the
     * store itself where it can look without an object, else through one.
     */
    @Override
    public long dataVersion() {
      long recent = changes.versionIfLookedWithin(settings.changeCheckInterval());
      if (recent != ChangeTracker.UNKNOWN) {
        return recent;
      }
      OptionalLong looked = store.lookForChanges(settings.changeCheckInterval());
      return looked.isPresent() ? looked.getAsLong() : db().dataVersion();
    }

    @Override
    public void release() {
      if (lease != null) {
        Lease held = lease;
        lease = null;
        held.close();
      }
    }

    @Override
    public void close() {
      release();
    }
  }
}
