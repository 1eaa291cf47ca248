package io.userdb.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.db.PoolSettings;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a request pays to get at the database, three ways: userdb's commons-pool2 pool of
 * UserDatabase objects; the original deployment's one object behind one lock; HikariCP, the
 * reference JDBC pool, over the same database: a SQLite file by default, or the PostgreSQL database
 * {@code -p location=jdbc:postgresql://...} names (password in USERDB_DB_PASSWORD; {@code
 * JMH_STORE=postgresql bench/jmh.sh} starts one). Run at 1, 2 and 8 threads (-t).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class PoolBenchmark {

  static final int USERS = 10_000;

  /** Empty: a new SQLite file; else a store location (an empty PostgreSQL database). */
  @Param({""})
  public String location;

  Path folder;
  UserDatabasePool pool;
  UserDatabase single;
  final ReentrantLock lock = new ReentrantLock();
  HikariDataSource hikari;

  @Setup(Level.Trial)
  public void open() throws Exception {
    folder = Files.createTempDirectory("userdb-bench");
    String db = location.isEmpty() ? folder.resolve("bench.db").toString() : location;
    String password = System.getenv("USERDB_DB_PASSWORD");
    UserStore store =
        UserStores.open(StoreSettings.existing(db).withPassword(password).creatingIt());
    try (UserDatabase seed = store.open()) {
      if (seed.countUsers() == 0) { // a PostgreSQL database outlives a trial
        SeedDatabase.seed(seed, USERS, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
      }
    }
    pool =
        new UserDatabasePool(
            store,
            PoolSettings.builder().maxTotal(8).minIdle(8).maxWait(Duration.ofSeconds(2)).build(),
            new SimpleMeterRegistry());
    pool.warmUp();
    single = store.open();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(location.isEmpty() ? "jdbc:sqlite:" + db : location);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(8);
    hikari = new HikariDataSource(config);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    pool.close();
    single.close();
    hikari.close();
    try (var files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static String randomName() {
    return SeedDatabase.name(ThreadLocalRandom.current().nextInt(USERS));
  }

  @Benchmark
  public void borrowReturn_pool(Blackhole bh) {
    try (UserDatabasePool.Lease lease = pool.borrow()) {
      bh.consume(lease.db());
    }
  }

  @Benchmark
  public void borrowReturn_singleLocked(Blackhole bh) {
    lock.lock();
    try {
      bh.consume(single);
    } finally {
      lock.unlock();
    }
  }

  @Benchmark
  public void borrowReturn_hikari(Blackhole bh) throws Exception {
    try (Connection connection = hikari.getConnection()) {
      bh.consume(connection);
    }
  }

  @Benchmark
  public void findUser_pool(Blackhole bh) {
    try (UserDatabasePool.Lease lease = pool.borrow()) {
      bh.consume(lease.db().findUser(randomName()));
    }
  }

  @Benchmark
  public void findUser_singleLocked(Blackhole bh) {
    lock.lock();
    try {
      UserDatabase db = single;
      bh.consume(db.findUser(randomName()));
    } finally {
      lock.unlock();
    }
  }

  /** Plain JDBC through HikariCP prepares the statement on every use; userdb's objects do not. */
  @Benchmark
  public void findUser_hikari(Blackhole bh) throws Exception {
    try (Connection connection = hikari.getConnection();
        PreparedStatement find =
            connection.prepareStatement(
                "SELECT id, username, password_hash, display_name, email, roles, disabled, created_at, updated_at,"
                    + " failed_logins, locked_until FROM users WHERE name_key = ?")) {
      find.setString(1, randomName());
      try (ResultSet rs = find.executeQuery()) {
        bh.consume(rs.next() ? rs.getString(2) : null);
      }
    }
  }
}
