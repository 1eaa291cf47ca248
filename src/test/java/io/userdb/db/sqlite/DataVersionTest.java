package io.userdb.db.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.db.NewUser;
import io.userdb.db.PoolSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabasePool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a data version moves, over a real SQLite file: at once for commits made through this
 * process, and for commits made elsewhere when SQLite is asked, which a pooled access does at most
 * once per change-check interval.
 */
class DataVersionTest {

  static final Duration NEVER_AGAIN = Duration.ofHours(1);

  @TempDir Path folder;
  UserDatabasePool pool;

  UserDatabasePool pool(Duration changeCheckInterval) {
    Path file = folder.resolve("userdb.db");
    pool =
        new UserDatabasePool(
            SqliteForTests.store(file),
            PoolSettings.builder()
                .maxTotal(2)
                .minIdle(0)
                .maxWait(Duration.ofSeconds(2))
                .abandonedTimeout(Duration.ofSeconds(60))
                .changeCheckInterval(changeCheckInterval)
                .build(),
            new SimpleMeterRegistry());
    return pool;
  }

  @AfterEach
  void close() {
    pool.close();
  }

  long version() {
    try (UserDatabasePool.Access access = pool.access()) {
      return access.dataVersion();
    }
  }

  /** A commit through a connection of its own: to this process's objects, another process. */
  void commitElsewhere() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("userdb.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM sessions");
    }
  }

  void commitHere(String name) {
    try (UserDatabasePool.Lease lease = pool.borrow()) {
      lease
          .db()
          .createUser(new NewUser(name, "$argon2id$x", "", "", Set.of("user")), Instant.now());
    }
  }

  @Test
  void within_the_interval_the_version_comes_from_memory_and_misses_other_processes()
      throws Exception {
    pool(NEVER_AGAIN);
    long before = version();
    commitElsewhere();
    assertEquals(
        before, version(), "SQLite was not asked again: the commit elsewhere is not seen yet");
  }

  @Test
  void commits_through_this_process_move_it_at_once_whatever_the_interval() {
    pool(NEVER_AGAIN);
    long before = version();
    commitHere("a");
    long after = version();
    assertNotEquals(before, after);
    commitHere("b");
    assertNotEquals(after, version());
  }

  @Test
  void with_no_interval_every_call_asks_sqlite() throws Exception {
    pool(Duration.ZERO);
    long before = version();
    assertEquals(before, version(), "nothing committed: the same version");
    commitElsewhere();
    assertNotEquals(before, version());
  }

  @Test
  void a_commit_elsewhere_is_seen_once_the_interval_has_passed() throws Exception {
    Duration interval = Duration.ofMillis(100);
    pool(interval);
    long before = version();
    commitElsewhere();
    Thread.sleep(interval.toMillis() + 20);
    assertNotEquals(before, version());
  }

  @Test
  void objects_on_other_files_keep_their_own_versions() {
    pool(NEVER_AGAIN);
    long before = version();
    Path other = folder.resolve("other.db");
    try (UserDatabase db = SqliteForTests.store(other).open()) {
      db.createUser(new NewUser("c", "$argon2id$x", "", "", Set.of("user")), Instant.now());
    }
    assertEquals(before, version(), "a commit to another file changes nothing here");
  }
}
