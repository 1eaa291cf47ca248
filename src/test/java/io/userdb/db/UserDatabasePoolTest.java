package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool and its objects over a real SQLite file. */
class UserDatabasePoolTest {

  @TempDir Path folder;
  Path file;
  UserDatabasePool pool;

  @BeforeEach
  void open() {
    file = folder.resolve("sub/dir/userdb.db");
    pool =
        new UserDatabasePool(
            SqliteForTests.store(file),
            PoolSettings.builder()
                .maxTotal(2)
                .minIdle(0)
                .maxWait(Duration.ofMillis(300))
                .abandonedTimeout(Duration.ofSeconds(60))
                .build(),
            new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    assertEquals(0, pool.stats().active(), "a test left an object borrowed");
    pool.close();
  }

  static NewUser user(String name) {
    return new NewUser(name, "$argon2id$fake", "", "", Set.of("user"));
  }

  static String query(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void names_are_unique_whatever_their_case() {
    try (var lease = pool.borrow()) {
      lease.db().createUser(user("Alice"), Instant.now());
      assertThrows(
          DuplicateUserException.class, () -> lease.db().createUser(user("ALICE"), Instant.now()));
      assertEquals("Alice", lease.db().findUser("alice").orElseThrow().username());
      assertFalse(lease.db().isBroken(), "a duplicate is the caller's error, not the connection's");
    }
  }

  @Test
  void a_connection_closed_underneath_is_invalidated_and_replaced() throws Exception {
    long destroyedBefore = pool.stats().destroyed();
    try (var lease = pool.borrow()) {
      SqliteForTests.connectionOf(lease.db()).close();
      assertThrows(DatabaseException.class, () -> lease.db().findUser("anyone"));
      assertTrue(lease.db().isBroken());
    }
    assertEquals(
        destroyedBefore + 1,
        pool.stats().destroyed(),
        "the broken object was destroyed, not returned");
    try (var lease = pool.borrow()) {
      assertTrue(lease.db().findUser("anyone").isEmpty(), "a fresh object serves");
    }
  }

  @Test
  void an_idle_object_that_died_is_caught_on_borrow() throws Exception {
    UserDatabase first;
    try (var lease = pool.borrow()) {
      first = lease.db();
    }
    SqliteForTests.connectionOf(first).close(); // dies while idle in the pool
    try (var lease = pool.borrow()) {
      assertTrue(lease.db() != first, "validation on borrow replaced it");
      assertTrue(lease.db().isUsable());
    }
  }

  @Test
  void a_handler_that_throws_gives_the_object_back() {
    assertThrows(
        IllegalStateException.class,
        () -> {
          try (var lease = pool.borrow()) {
            lease.db().countUsers();
            throw new IllegalStateException("handler bug");
          }
        });
    assertEquals(0, pool.stats().active());
    assertEquals(1, pool.stats().idle());
  }

  @Test
  void exhaustion_throws_after_max_wait_and_closing_twice_is_harmless() {
    var a = pool.borrow();
    var b = pool.borrow();
    long start = System.nanoTime();
    assertThrows(PoolExhaustedException.class, pool::borrow);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 250 && millis < 3000, "waited " + millis + " ms");
    a.close();
    a.close();
    b.close();
    assertEquals(0, pool.stats().active());
  }

  @Test
  void an_object_held_past_the_abandoned_timeout_is_reclaimed_and_logged_with_its_borrower()
      throws Exception {
    java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger log =
        java.util.logging.Logger.getLogger(UserDatabasePool.class.getName());
    log.addHandler(capture);
    try (UserDatabasePool short_ =
        new UserDatabasePool(
            SqliteForTests.store(file),
            PoolSettings.builder()
                .maxTotal(2)
                .minIdle(0)
                .maxWait(Duration.ofMillis(500))
                .abandonedTimeout(Duration.ofSeconds(1))
                .build(),
            new SimpleMeterRegistry())) {
      var forgotten = short_.borrow();
      Thread.sleep(1500);
      try (var next = short_.borrow()) { // the pool is nearly exhausted: reclaims on borrow
        assertTrue(next.db().isUsable());
      }
      assertEquals(1, short_.stats().destroyed(), "the abandoned object was reclaimed");
      assertEquals(1, logged.size(), "one log line: " + logged);
      assertTrue(
          logged.get(0).contains("abandoned")
              && logged.get(0).contains(Thread.currentThread().getName())
              && logged.get(0).contains("UserDatabasePoolTest.an_object_held_past"),
          "names the borrower: " + logged);
      forgotten.close(); // giving it back late is harmless
      assertEquals(0, short_.stats().active());
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void the_pool_registers_with_jmx() throws Exception {
    var names =
        java.lang.management.ManagementFactory.getPlatformMBeanServer()
            .queryNames(
                new javax.management.ObjectName(
                    "org.apache.commons.pool2:type=GenericObjectPool,*"),
                null);
    assertTrue(
        names.stream().anyMatch(n -> n.getKeyProperty("name").startsWith("userdb")),
        names.toString());
  }

  @Test
  void bulk_creation_is_all_or_nothing() {
    try (var lease = pool.borrow()) {
      java.util.List<NewUser> many = new java.util.ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        many.add(user("bulk" + i));
      }
      assertEquals(2500, lease.db().createUsers(many, Instant.now()));
      assertEquals(2500, lease.db().countUsers());
      java.util.List<NewUser> clash =
          java.util.List.of(user("fresh1"), user("BULK7"), user("fresh2"));
      assertThrows(
          DuplicateUserException.class, () -> lease.db().createUsers(clash, Instant.now()));
      assertEquals(2500, lease.db().countUsers(), "nothing of a failed batch is kept");
      assertTrue(lease.db().findUser("fresh1").isEmpty());
      assertFalse(lease.db().isBroken());
    }
  }

  @Test
  void listing_by_prefix_counts_and_pages() {
    try (var lease = pool.borrow()) {
      for (String name : new String[] {"ann", "Anna", "anne_x", "bert", "an"}) {
        lease.db().createUser(user(name), Instant.now());
      }
      UserPage page = lease.db().listUsers("ANN", 0, 2);
      assertEquals(3, page.total());
      assertEquals("ann", page.users().get(0).username());
      assertEquals("Anna", page.users().get(1).username());
      assertEquals(5, lease.db().listUsers("", 0, 10).total());
    }
  }
}
