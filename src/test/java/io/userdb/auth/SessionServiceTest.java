package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.audit.AuditOrigin;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.NewUser;
import io.userdb.db.PoolSettings;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions over a real SQLite file, with time under the test's control. */
class SessionServiceTest {

  private static final AuditOrigin ORIGIN = AuditOrigin.system("");

  /** A clock the test moves forward by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-06-01T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @TempDir Path folder;
  Path file;
  UserDatabase db;

  /** Asks SQLite on every call: the strictest access, as the CLI has. */
  DatabaseAccess direct;

  ManualClock clock = new ManualClock();
  SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  SessionService sessions =
      new SessionService(Duration.ofMinutes(30), Duration.ofHours(12), clock, metrics);
  User user;

  @BeforeEach
  void open() {
    file = folder.resolve("sessions.db");
    db = SqliteForTests.store(file).open();
    direct = DatabaseAccess.of(db);
    user =
        db.createUser(new NewUser("sam", "$argon2id$x", "", "", Set.of("user")), clock.instant());
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** Runs SQL through a connection of its own: to this process's objects, another process. */
  void elsewhere(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  double cacheHits() {
    return metrics.get("userdb.session.cache").tag("result", "hit").counter().count();
  }

  long lastSeenMillis() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT last_seen_at FROM sessions")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void tokens_are_random_and_only_their_hash_is_stored() throws Exception {
    String a = sessions.start(db, user, ORIGIN);
    String b = sessions.start(db, user, ORIGIN);
    assertNotEquals(a, b);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT token_hash FROM sessions")) {
      while (rs.next()) {
        String stored = rs.getString(1);
        assertTrue(!stored.equals(a) && !stored.equals(b) && stored.length() == 64, stored);
      }
    }
  }

  @Test
  void a_read_writes_last_seen_at_most_once_a_minute() throws Exception {
    String token = sessions.start(db, user, ORIGIN);
    long created = lastSeenMillis();
    clock.now = clock.now.plusSeconds(30);
    assertTrue(sessions.resume(direct, token).isPresent());
    assertEquals(created, lastSeenMillis(), "no write within the minute");
    clock.now = clock.now.plusSeconds(31);
    assertTrue(sessions.resume(direct, token).isPresent());
    assertEquals(clock.now.toEpochMilli(), lastSeenMillis(), "refreshed after a minute");
  }

  @Test
  void sessions_end_after_the_idle_timeout() {
    String token = sessions.start(db, user, ORIGIN);
    clock.now = clock.now.plus(Duration.ofMinutes(29));
    assertTrue(sessions.resume(direct, token).isPresent());
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    assertTrue(
        sessions.resume(direct, token).isEmpty(), "idle for 31 minutes since the last refresh");
  }

  @Test
  void sessions_end_at_their_maximum_age_however_busy() {
    String token = sessions.start(db, user, ORIGIN);
    for (int i = 0; i < 12 * 3; i++) {
      clock.now = clock.now.plus(Duration.ofMinutes(20));
      boolean live = sessions.resume(direct, token).isPresent();
      assertEquals(
          clock.now.isBefore(Instant.parse("2026-06-01T22:00:00Z")), live, "at " + clock.now);
    }
    assertEquals(1, sessions.deleteExpired(db, ORIGIN), "the sweeper removes it");
  }

  @Test
  void only_43_base64url_characters_make_a_token() {
    assertTrue(SessionService.isWellFormed("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0"));
    for (String bad :
        new String[] {
          null,
          "",
          "abc",
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0x",
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_=",
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_é",
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN+/0"
        }) {
      assertTrue(!SessionService.isWellFormed(bad), String.valueOf(bad));
    }
  }

  @Test
  void malformed_tokens_are_ignored_without_a_lookup() {
    assertTrue(sessions.resume(direct, "short").isEmpty());
    assertTrue(sessions.resume(direct, "' OR 1=1 --" + "x".repeat(32)).isEmpty());
  }

  @Test
  void a_session_read_again_with_nothing_written_between_comes_from_memory() {
    String token = sessions.start(db, user, ORIGIN);
    assertTrue(sessions.resume(direct, token).isPresent());
    assertEquals(
        0, cacheHits(), "the first read after the session was written goes to the database");
    assertEquals("sam", sessions.resume(direct, token).orElseThrow().username());
    assertEquals(1, cacheHits());
  }

  @Test
  void a_session_ended_by_another_process_is_refused_at_once() throws Exception {
    String token = sessions.start(db, user, ORIGIN);
    sessions.resume(direct, token);
    assertTrue(sessions.resume(direct, token).isPresent());
    elsewhere("DELETE FROM sessions");
    assertTrue(
        sessions.resume(direct, token).isEmpty(),
        "the remembered session is not trusted after a commit");
  }

  @Test
  void a_user_disabled_or_given_new_roles_by_another_process_is_seen_at_once() throws Exception {
    String token = sessions.start(db, user, ORIGIN);
    sessions.resume(direct, token);
    elsewhere("UPDATE users SET roles = 'admin,user'");
    assertTrue(sessions.resume(direct, token).orElseThrow().isAdmin(), "the new role, read fresh");
    elsewhere("UPDATE users SET disabled = 1");
    assertTrue(sessions.resume(direct, token).isEmpty());
  }

  @Test
  void a_session_ended_through_another_object_of_this_process_is_refused_at_once() {
    String token = sessions.start(db, user, ORIGIN);
    sessions.resume(direct, token);
    try (UserDatabase other = SqliteForTests.store(file).open()) {
      sessions.revokeToken(other, token, ORIGIN);
    }
    assertTrue(sessions.resume(direct, token).isEmpty());
    String second = sessions.start(db, user, ORIGIN);
    sessions.resume(direct, second);
    sessions.revokeToken(db, second, ORIGIN);
    assertTrue(sessions.resume(direct, second).isEmpty(), "ended through the same object");
  }

  @Test
  void a_remembered_session_still_ends_on_time() {
    String token = sessions.start(db, user, ORIGIN);
    clock.now = clock.now.plusSeconds(30);
    sessions.resume(direct, token);
    assertTrue(sessions.resume(direct, token).isPresent());
    double hits = cacheHits();
    clock.now = clock.now.minusSeconds(30).plus(Duration.ofMinutes(30));
    assertTrue(
        sessions.resume(direct, token).isEmpty(),
        "idle for exactly the timeout since it was last seen");
    assertEquals(hits + 1, cacheHits(), "refused by the remembered copy, not by the database");
  }

  UserDatabasePool pool(Duration changeCheckInterval) {
    return new UserDatabasePool(
        SqliteForTests.store(file),
        PoolSettings.builder()
            .maxTotal(2)
            .minIdle(0)
            .maxWait(Duration.ofSeconds(2))
            .abandonedTimeout(Duration.ofSeconds(60))
            .changeCheckInterval(changeCheckInterval)
            .build(),
        metrics);
  }

  Optional<Caller> resume(UserDatabasePool pool, String token) {
    try (UserDatabasePool.Access access = pool.access()) {
      return sessions.resume(access, token);
    }
  }

  @Test
  void through_the_pool_a_session_ended_elsewhere_is_refused_once_the_check_interval_passed()
      throws Exception {
    Duration interval = Duration.ofMillis(100);
    try (UserDatabasePool pool = pool(interval)) {
      String token = sessions.start(db, user, ORIGIN);
      assertTrue(resume(pool, token).isPresent());
      assertTrue(resume(pool, token).isPresent());
      elsewhere("DELETE FROM sessions");
      Thread.sleep(interval.toMillis() + 20);
      assertTrue(resume(pool, token).isEmpty());
    }
  }

  @Test
  void through_the_pool_a_session_ended_by_this_process_is_refused_at_once() {
    try (UserDatabasePool pool = pool(Duration.ofHours(1))) {
      String token = sessions.start(db, user, ORIGIN);
      assertTrue(resume(pool, token).isPresent());
      double hits = cacheHits();
      assertTrue(resume(pool, token).isPresent());
      assertEquals(hits + 1, cacheHits(), "served from memory");
      try (UserDatabasePool.Lease lease = pool.borrow()) {
        sessions.revokeToken(lease.db(), token, ORIGIN);
      }
      assertTrue(resume(pool, token).isEmpty());
    }
  }

  @Test
  void a_session_in_use_outlives_an_idle_timeout_shorter_than_a_minute() {
    SessionService brief =
        new SessionService(Duration.ofSeconds(20), Duration.ofHours(12), clock, metrics);
    String token = brief.start(db, user, ORIGIN);
    for (int second = 0; second <= 120; second += 8) { // a request every 8 s, for two minutes
      assertTrue(
          brief.resume(direct, token).isPresent(), "in use, yet ended after " + second + " s");
      clock.now = clock.now.plusSeconds(8);
    }
    clock.now = clock.now.plusSeconds(21);
    assertTrue(brief.resume(direct, token).isEmpty(), "idle for longer than the timeout: ended");
  }

  @Test
  void a_user_has_at_most_the_cap_of_sessions_and_the_oldest_end_first() {
    java.util.List<String> tokens = new java.util.ArrayList<>();
    for (int i = 0; i < SessionService.MAX_PER_USER + 5; i++) {
      tokens.add(sessions.start(db, user, ORIGIN));
      clock.now = clock.now.plusMillis(10);
    }
    for (int i = 0; i < tokens.size(); i++) {
      boolean live = sessions.resume(direct, tokens.get(i)).isPresent();
      assertEquals(
          i >= 5,
          live,
          "session " + i + (i < 5 ? " is among the oldest: ended" : " is recent: kept"));
    }
  }
}
