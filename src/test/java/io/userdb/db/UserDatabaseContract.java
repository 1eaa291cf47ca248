package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every kind of store promises through {@link UserDatabase}, run against each of them (SQLite:
 * {@code SqliteContractTest}; PostgreSQL: {@code PostgresContractIT}) on a real database, through
 * objects the store opens as the pool would. Concurrency goes through several objects at once, each
 * on its own thread, as requests do.
 */
@Timeout(120)
public abstract class UserDatabaseContract {

  protected static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
  private final List<UserDatabase> opened = new ArrayList<>();
  protected UserStore store;
  protected UserDatabase db;

  /** A new, empty store of the kind under test. */
  protected abstract UserStore newStore() throws Exception;

  /** Makes {@code db}'s connection die underneath it, as a restart or an administrator would. */
  protected abstract void killConnection(UserDatabase db) throws Exception;

  /**
   * Restarts what serves the store, as an upgrade or a crash and recovery would: a server stopped
   * and started again; for an embedded store, every connection to it ends at once.
   */
  protected abstract void restartStore() throws Exception;

  /**
   * A new, empty store whose storage holds about {@code bytes} and no more, as a disk that fills
   * up: a SQLite file under that quota, a PostgreSQL database whose tables live on a filesystem
   * that small.
   */
  protected abstract UserStore newStoreWithRoomFor(long bytes) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    db = open();
  }

  @AfterEach
  void closeObjects() {
    opened.forEach(UserDatabase::close);
  }

  protected UserDatabase open() {
    return open(store);
  }

  private UserDatabase open(UserStore on) {
    UserDatabase object = on.open();
    opened.add(object);
    return object;
  }

  /** Every object the test opened, still open or not. */
  protected List<UserDatabase> openedObjects() {
    return List.copyOf(opened);
  }

  /** A session of {@code user}'s, begun at T0, ending an hour later either way. */
  private void openHourLongSession(String tokenHash, User user) {
    Instant end = T0.plus(Duration.ofHours(1));
    db.createSession(tokenHash, user.id(), T0, end, end, 20);
  }

  static NewUser user(String name, String... roles) {
    return new NewUser(
        name,
        "$argon2id$hash-of-" + name,
        "Name " + name,
        name + "@example.org",
        roles.length == 0 ? Set.of("user") : Set.of(roles));
  }

  // ---- users ---------------------------------------------------------------------------------

  @Test
  void a_created_user_is_found_by_name_in_any_letter_case() {
    User created = db.createUser(user("Alice", "user", "editor"), T0);
    User found = db.findUser("aLICE").orElseThrow();
    assertEquals(created, found);
    assertEquals("Alice", found.username());
    assertEquals(Set.of("user", "editor"), found.roles());
    assertEquals(T0, found.createdAt());
    assertFalse(found.disabled());
    assertTrue(db.findUser("bob").isEmpty());
  }

  @Test
  void names_are_unique_whatever_their_case() {
    db.createUser(user("carol"), T0);
    assertThrows(DuplicateUserException.class, () -> db.createUser(user("CAROL"), T0));
    assertEquals(1, db.countUsers());
    db.createUser(user("carol2"), T0); // the object is fine after the refusal
  }

  @Test
  void concurrent_creates_of_one_name_leave_exactly_one() throws Exception {
    int threads = 8;
    List<UserDatabase> objects = IntStream.range(0, threads).mapToObj(i -> open()).toList();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        UserDatabase object = objects.get(i);
        String spelling = i % 2 == 0 ? "dave" : "DAVE";
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    object.createUser(user(spelling), T0);
                    return true;
                  } catch (DuplicateUserException e) {
                    return false;
                  }
                }));
      }
      start.countDown();
      int created = 0;
      for (Future<Boolean> result : results) {
        created += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(1, created);
      assertEquals(1, db.countUsers());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void bulk_creation_is_all_or_nothing() {
    db.createUser(user("taken"), T0);
    List<NewUser> batch = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      batch.add(user("bulk" + i));
    }
    assertEquals(2500, db.createUsers(batch, T0));
    assertEquals(2501, db.countUsers());
    List<NewUser> clashing = List.of(user("fresh1"), user("TAKEN"), user("fresh2"));
    assertThrows(DuplicateUserException.class, () -> db.createUsers(clashing, T0));
    assertTrue(db.findUser("fresh1").isEmpty(), "none of a failed batch is kept");
    assertEquals(2501, db.countUsers());
  }

  @Test
  void users_copied_in_keep_their_whole_state_and_copying_twice_changes_nothing() {
    Instant lock = T0.plusSeconds(900);
    User original =
        new User(
            0,
            "Pia",
            "$apr1$legacy",
            "Pia P.",
            "pia@example.org",
            Set.of("user", "admin"),
            true,
            T0,
            T0.plusSeconds(5),
            3,
            lock);
    db.createUser(user("PIA"), T0.plusSeconds(60)); // the same name, another state: overwritten
    assertEquals(
        2,
        db.copyInUsers(
            List.of(
                original,
                new User(0, "quint", "$x", "", "", Set.of(), false, T0, T0, 0, Instant.EPOCH))));
    assertEquals(2, db.copyInUsers(List.of(original)) + 1);
    User copied = db.findUser("pia").orElseThrow();
    assertEquals(
        List.of("Pia", "$apr1$legacy", "Pia P.", "pia@example.org"),
        List.of(copied.username(), copied.passwordHash(), copied.displayName(), copied.email()));
    assertEquals(Set.of("user", "admin"), copied.roles());
    assertTrue(copied.disabled());
    assertEquals(List.of(T0, T0.plusSeconds(5)), List.of(copied.createdAt(), copied.updatedAt()));
    assertEquals(3, copied.failedLogins());
    assertEquals(lock, copied.lockedUntil());
    assertEquals(2, db.countUsers());
  }

  @Test
  void listing_by_prefix_counts_pages_and_orders_by_name() {
    for (String name : List.of("bo", "Bob", "bobby", "bobcat", "alice", "bz", "b_c", "b.c")) {
      db.createUser(user(name), T0);
    }
    UserPage page = db.listUsers("BO", 1, 2);
    assertEquals(4, page.total());
    assertEquals(List.of("Bob", "bobby"), page.users().stream().map(User::username).toList());
    assertEquals(
        List.of("b.c", "b_c", "bo", "Bob", "bobby", "bobcat", "bz"),
        db.listUsers("b", 0, 100).users().stream().map(User::username).toList(),
        "byte order of the lower-cased name");
    assertEquals(8, db.listUsers("", 0, 100).total());
    assertEquals(0, db.listUsers("zz", 0, 10).total());
  }

  @Test
  void walking_after_each_page_s_last_name_visits_every_user_once_in_name_order() {
    List<NewUser> batch = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      batch.add(user((i % 2 == 0 ? "Walk" : "walk") + String.format("%03d", 249 - i)));
    }
    db.createUsers(batch, T0);
    db.createUser(user("aaron"), T0);
    List<String> seen = new ArrayList<>();
    for (List<User> page = db.usersAfter("", 60);
        !page.isEmpty();
        page = db.usersAfter(page.get(page.size() - 1).username(), 60)) {
      assertTrue(page.size() <= 60);
      page.forEach(u -> seen.add(u.username()));
    }
    assertEquals(251, seen.size());
    assertEquals(251, new HashSet<>(seen).size(), "no user twice");
    assertEquals("aaron", seen.get(0));
    assertEquals("walk000", seen.get(1));
    assertEquals("Walk001", seen.get(2), "letter case ignored in the order");
    assertEquals("Walk249", seen.get(250));
    assertEquals(List.of(), db.usersAfter("WALK249", 60), "the name given is itself excluded");
  }

  @Test
  void a_profile_change_sets_only_what_it_names_and_disabling_ends_sessions() {
    User created = db.createUser(user("erin"), T0);
    openHourLongSession("erin-session", created);
    User changed =
        db.updateProfile(
                "ERIN",
                new ProfileChange("Erin E.", null, Set.of("user", "auditor"), null),
                T0.plusSeconds(5))
            .orElseThrow();
    assertEquals("Erin E.", changed.displayName());
    assertEquals("erin@example.org", changed.email());
    assertEquals(Set.of("user", "auditor"), changed.roles());
    assertEquals(T0.plusSeconds(5), changed.updatedAt());
    assertTrue(db.findSession("erin-session", T0).isPresent());

    assertTrue(db.updateProfile("erin", ProfileChange.disabled(true), T0).orElseThrow().disabled());
    assertTrue(db.findSession("erin-session", T0).isEmpty(), "disabling ends the sessions");
    assertFalse(
        db.updateProfile("erin", ProfileChange.disabled(false), T0).orElseThrow().disabled());
    assertTrue(db.updateProfile("nobody", ProfileChange.disabled(true), T0).isEmpty());
  }

  @Test
  void the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted() {
    db.createUser(user("root", "admin"), T0);
    db.createUser(user("plain"), T0);
    assertTrue(db.hasAdmin());
    assertThrows(
        LastAdminException.class,
        () -> db.updateProfile("root", new ProfileChange(null, null, Set.of("user"), null), T0));
    assertThrows(
        LastAdminException.class, () -> db.updateProfile("root", ProfileChange.disabled(true), T0));
    assertThrows(LastAdminException.class, () -> db.deleteUser("root"));
    assertTrue(db.findUser("root").orElseThrow().hasRole("admin"), "nothing changed");
    assertTrue(db.deleteUser("plain"));
  }

  @Test
  void two_admins_demoting_each_other_at_once_leave_one() throws Exception {
    db.createUser(user("admin1", "admin"), T0);
    db.createUser(user("admin2", "admin"), T0);
    for (int round = 0; round < 10; round++) {
      UserDatabase first = open();
      UserDatabase second = open();
      List<Object> outcomes =
          race(
              () ->
                  first.updateProfile(
                      "admin1", new ProfileChange(null, null, Set.of("user"), null), T0),
              () ->
                  second.updateProfile(
                      "admin2", new ProfileChange(null, null, Set.of("user"), null), T0));
      assertEquals(
          1,
          outcomes.stream().filter(o -> o instanceof LastAdminException).count(),
          outcomes.toString());
      assertTrue(db.hasAdmin());
      db.updateProfile("admin1", new ProfileChange(null, null, Set.of("admin"), null), T0);
      db.updateProfile("admin2", new ProfileChange(null, null, Set.of("admin"), null), T0);
    }
  }

  @Test
  void deleting_a_user_deletes_their_sessions() {
    User frank = db.createUser(user("frank"), T0);
    openHourLongSession("frank-session", frank);
    assertTrue(db.deleteUser("FRANK"));
    assertTrue(db.findUser("frank").isEmpty());
    assertTrue(db.findSession("frank-session", T0).isEmpty());
    assertFalse(db.deleteUser("frank"));
  }

  // ---- passwords and sign-in attempts ----------------------------------------------------------

  @Test
  void a_password_change_ends_every_session_but_the_one_kept() {
    User gina = db.createUser(user("gina"), T0);
    Instant end = T0.plus(Duration.ofHours(1));
    db.createSession("kept", gina.id(), T0, end, end, 20);
    db.createSession("other", gina.id(), T0, end, end, 20);
    assertTrue(db.changePassword("Gina", "$argon2id$new", "kept", T0.plusSeconds(1)));
    assertEquals("$argon2id$new", db.findUser("gina").orElseThrow().passwordHash());
    assertTrue(db.findSession("kept", T0).isPresent());
    assertTrue(db.findSession("other", T0).isEmpty());
    assertFalse(db.changePassword("nobody", "$x", null, T0));
  }

  @Test
  void a_hash_is_upgraded_only_from_the_hash_that_was_verified() {
    User hugo = db.createUser(user("hugo"), T0);
    db.upgradePasswordHash(hugo.id(), "$apr1$stale", "$argon2id$upgraded");
    assertEquals(hugo.passwordHash(), db.findUser("hugo").orElseThrow().passwordHash());
    db.upgradePasswordHash(hugo.id(), hugo.passwordHash(), "$argon2id$upgraded");
    assertEquals("$argon2id$upgraded", db.findUser("hugo").orElseThrow().passwordHash());
  }

  @Test
  void login_attempts_count_until_the_lock_and_a_success_forgives_them() {
    User ida = db.createUser(user("ida"), T0);
    Instant lock = T0.plusSeconds(60);
    for (int i = 1; i <= 3; i++) {
      LoginAttempt attempt =
          db.reserveLoginAttempt(ida.id(), T0, n -> n >= 3 ? lock : Instant.EPOCH);
      assertTrue(attempt.reserved());
      assertEquals(i, attempt.failures());
    }
    LoginAttempt refused = db.reserveLoginAttempt(ida.id(), T0.plusSeconds(1), n -> Instant.EPOCH);
    assertFalse(refused.reserved(), "locked");
    assertEquals(lock, refused.lockedUntil());
    assertTrue(
        db.reserveLoginAttempt(ida.id(), lock, n -> Instant.EPOCH).reserved(), "the lock ended");
    db.recordLoginSuccess(ida.id());
    User after = db.findUser("ida").orElseThrow();
    assertEquals(0, after.failedLogins());
    assertEquals(Instant.EPOCH, after.lockedUntil());
  }

  @Test
  void concurrent_login_attempts_each_take_their_own_number() throws Exception {
    User jo = db.createUser(user("jo"), T0);
    int threads = 8;
    int each = 5;
    List<UserDatabase> objects = IntStream.range(0, threads).mapToObj(i -> open()).toList();
    ConcurrentLinkedQueue<Integer> numbers = new ConcurrentLinkedQueue<>();
    List<Callable<Object>> tasks = new ArrayList<>();
    for (UserDatabase object : objects) {
      tasks.add(
          () -> {
            for (int i = 0; i < each; i++) {
              numbers.add(object.reserveLoginAttempt(jo.id(), T0, n -> Instant.EPOCH).failures());
            }
            return null;
          });
    }
    race(tasks.toArray(new Callable<?>[0]));
    assertEquals(
        threads * each, new HashSet<>(numbers).size(), "no number taken twice: " + numbers);
    assertEquals(threads * each, db.findUser("jo").orElseThrow().failedLogins());
  }

  // ---- sessions
  // ----------------------------------------------------------------------------------

  @Test
  void limits_by_key_count_lock_forget_and_start_over() {
    Instant lock = T0.plusSeconds(30);
    IntFunction<Instant> atThree = n -> n >= 3 ? lock : Instant.EPOCH;
    for (int i = 1; i <= 3; i++) {
      LoginAttempt attempt =
          db.reserveLimitedAttempt("address:192.0.2.7", T0, Instant.EPOCH, atThree);
      assertTrue(attempt.reserved());
      assertEquals(i, attempt.failures());
    }
    LoginAttempt refused =
        db.reserveLimitedAttempt("address:192.0.2.7", T0.plusSeconds(1), Instant.EPOCH, atThree);
    assertFalse(refused.reserved());
    assertEquals(lock, refused.lockedUntil());
    assertEquals(
        1,
        db.reserveLimitedAttempt("address:192.0.2.8", T0, Instant.EPOCH, atThree).failures(),
        "per key");

    assertEquals(
        4,
        db.reserveLimitedAttempt("address:192.0.2.7", lock, Instant.EPOCH, atThree).failures(),
        "the lock ended; the count goes on");
    assertEquals(
        1,
        db.reserveLimitedAttempt(
                "address:192.0.2.7", lock.plusSeconds(1), lock.plusMillis(1), atThree)
            .failures(),
        "its last attempt is before the forget mark: it starts over");
    db.releaseLimitedAttempt("address:192.0.2.7");
    assertEquals(
        1,
        db.reserveLimitedAttempt("address:192.0.2.7", lock, Instant.EPOCH, atThree).failures(),
        "a success does not count");

    db.reserveLimitedAttempt("name:ghost", T0, Instant.EPOCH, atThree);
    db.forgetLimit("name:ghost");
    assertEquals(1, db.reserveLimitedAttempt("name:ghost", T0, Instant.EPOCH, atThree).failures());

    db.reserveLimitedAttempt("name:locked", T0, Instant.EPOCH, n -> lock);
    assertEquals(
        2, db.deleteStaleLimits(T0.plusSeconds(10), T0.plusSeconds(5)), "the two unlocked ones");
    assertFalse(
        db.reserveLimitedAttempt("name:locked", T0.plusSeconds(10), Instant.EPOCH, atThree)
            .reserved(),
        "a lock in force is kept");
  }

  @Test
  void concurrent_limited_attempts_never_pass_the_threshold() throws Exception {
    Instant lock = T0.plusSeconds(60);
    List<UserDatabase> objects = IntStream.range(0, 8).mapToObj(i -> open()).toList();
    ConcurrentLinkedQueue<Boolean> reserved = new ConcurrentLinkedQueue<>();
    List<Callable<Object>> tasks = new ArrayList<>();
    for (UserDatabase object : objects) {
      tasks.add(
          () -> {
            for (int i = 0; i < 5; i++) {
              reserved.add(
                  object
                      .reserveLimitedAttempt(
                          "name:nobody", T0, Instant.EPOCH, n -> n >= 5 ? lock : Instant.EPOCH)
                      .reserved());
            }
            return null;
          });
    }
    race(tasks.toArray(new Callable<?>[0]));
    assertEquals(
        5, reserved.stream().filter(r -> r).count(), "40 guesses at once, 5 checked: " + reserved);
  }

  @Test
  void a_session_ends_at_its_expiry_or_when_idle() {
    User kim = db.createUser(user("kim"), T0);
    Instant expires = T0.plus(Duration.ofHours(12));
    Instant idleEnd = T0.plusSeconds(300);
    db.createSession("kim-session", kim.id(), T0, expires, idleEnd, 20);
    SessionRecord found = db.findSession("kim-session", T0.plusSeconds(10)).orElseThrow();
    assertEquals("kim", found.user().username());
    assertEquals(T0, found.lastSeenAt());
    assertEquals(expires, found.expiresAt());
    assertEquals(idleEnd, found.endsAt());
    assertTrue(db.findSession("kim-session", idleEnd).isEmpty(), "idle");
    db.touchSession("kim-session", T0.plusSeconds(200), T0.plusSeconds(500));
    assertEquals(
        T0.plusSeconds(500),
        db.findSession("kim-session", idleEnd).orElseThrow().endsAt(),
        "touched");
    db.touchSession("kim-session", expires.minusSeconds(1), expires.plusSeconds(299));
    assertEquals(
        expires, db.findSession("kim-session", T0).orElseThrow().endsAt(), "never past its expiry");
    assertEquals(0, db.deleteExpiredSessions(expires.minusMillis(1)));
    assertEquals(1, db.deleteExpiredSessions(expires));
    assertTrue(db.findSession("kim-session", T0).isEmpty());
  }

  @Test
  void a_new_session_beyond_the_cap_ends_the_oldest() {
    User lee = db.createUser(user("lee"), T0);
    Instant end = T0.plus(Duration.ofHours(1));
    for (int i = 0; i < 5; i++) {
      db.createSession(
          "lee-" + i,
          lee.id(),
          T0,
          end,
          end,
          3); // one millisecond for all: order of creation decides
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(i >= 2, db.findSession("lee-" + i, T0).isPresent(), "session " + i);
    }
    assertTrue(db.deleteSession("lee-4"));
    assertFalse(db.deleteSession("lee-4"));
  }

  // ---- changes and connections ---------------------------------------------------------------

  @Test
  void the_data_version_moves_after_a_commit_through_another_object() {
    UserDatabase other = open();
    long before = db.dataVersion();
    other.createUser(user("mia"), T0);
    assertNotEquals(before, db.dataVersion());
  }

  @Test
  void a_connection_killed_underneath_is_reported_broken_and_a_new_object_works() throws Exception {
    db.createUser(user("ned"), T0);
    killConnection(db);
    assertThrows(DatabaseException.class, () -> db.findUser("ned"));
    assertTrue(db.isBroken() || !db.isUsable(), "the pool must not lend it again");
    assertFalse(db.looksUsable() && db.isUsable());
    UserDatabase fresh = open();
    assertTrue(fresh.isUsable());
    assertTrue(fresh.findUser("ned").isPresent(), "the committed write is there");
  }

  @Test
  void a_restarted_store_breaks_the_objects_open_before_and_keeps_every_commit() throws Exception {
    db.createUser(user("pat"), T0);
    UserDatabase idle = open();
    restartStore();
    assertThrows(DatabaseException.class, () -> db.findUser("pat"));
    assertFalse(db.looksUsable() && db.isUsable(), "the pool must not lend it again");
    assertFalse(idle.isUsable(), "an idle object is found out when validated");
    UserDatabase fresh = open();
    assertTrue(fresh.findUser("pat").isPresent(), "the committed write is there");
    fresh.createUser(user("quin"), T0);
    assertEquals(2, fresh.countUsers());
  }

  @Test
  @Timeout(120)
  void a_full_store_refuses_a_write_whole_and_keeps_what_it_holds() throws Exception {
    UserStore small = newStoreWithRoomFor(1 << 20);
    try {
      UserDatabase tiny = open(small);
      int committed = 0;
      DatabaseFullException refused = null;
      for (int batch = 0; batch < 1000 && refused == null; batch++) {
        List<NewUser> users = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          users.add(user("fill" + batch + "x" + i));
        }
        try {
          committed += tiny.createUsers(users, T0);
        } catch (DatabaseFullException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "1 MiB took 50,000 users");
      assertTrue(committed > 0, "room for a first batch");
      // A driver may leave the object unfit after a full disk (sqlite-jdbc does); it says so, and
      // the pool opens another.
      UserDatabase after = tiny.isBroken() ? open(small) : tiny;
      assertTrue(after.isUsable());
      assertEquals(committed, after.countUsers(), "nothing of the refused batch is kept");
      assertTrue(after.findUser("fill0x0").isPresent());
      assertTrue(after.deleteUser("fill0x1"), "a delete needs no room");
      assertEquals(committed - 1, after.countUsers());
    } finally {
      small.close();
    }
  }

  @Test
  void times_keep_millisecond_precision() {
    Instant precise = T0.plus(123, ChronoUnit.MILLIS);
    assertEquals(precise, db.createUser(user("ola"), precise).createdAt());
  }

  /** Runs the tasks at once, each on its own thread; returns each one's result or exception. */
  protected static List<Object> race(Callable<?>... tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.length);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable<?> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return task.call();
                  } catch (RuntimeException e) {
                    return e;
                  }
                }));
      }
      start.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<Object> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
