package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.DatabaseFiles;
import io.userdb.db.NewUser;
import io.userdb.db.SqliteUserDatabase;
import io.userdb.db.User;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions over a real SQLite file, with time under the test's control. */
class SessionServiceTest {

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
  SqliteUserDatabase db;
  ManualClock clock = new ManualClock();
  SessionService sessions = new SessionService(Duration.ofMinutes(30), Duration.ofHours(12), clock);
  User user;

  @BeforeEach
  void open() {
    file = folder.resolve("sessions.db");
    DatabaseFiles.prepare(file);
    db = SqliteUserDatabase.open(file, Duration.ofSeconds(5));
    user = db.createUser(new NewUser("sam", "$argon2id$x", "", "", Set.of("user")), clock.instant());
  }

  @AfterEach
  void close() {
    db.close();
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
    String a = sessions.start(db, user);
    String b = sessions.start(db, user);
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
    String token = sessions.start(db, user);
    long created = lastSeenMillis();
    clock.now = clock.now.plusSeconds(30);
    assertTrue(sessions.resume(db, token).isPresent());
    assertEquals(created, lastSeenMillis(), "no write within the minute");
    clock.now = clock.now.plusSeconds(31);
    assertTrue(sessions.resume(db, token).isPresent());
    assertEquals(clock.now.toEpochMilli(), lastSeenMillis(), "refreshed after a minute");
  }

  @Test
  void sessions_end_after_the_idle_timeout() {
    String token = sessions.start(db, user);
    clock.now = clock.now.plus(Duration.ofMinutes(29));
    assertTrue(sessions.resume(db, token).isPresent());
    clock.now = clock.now.plus(Duration.ofMinutes(31));
    assertTrue(sessions.resume(db, token).isEmpty(), "idle for 31 minutes since the last refresh");
  }

  @Test
  void sessions_end_at_their_maximum_age_however_busy() {
    String token = sessions.start(db, user);
    for (int i = 0; i < 12 * 3; i++) {
      clock.now = clock.now.plus(Duration.ofMinutes(20));
      boolean live = sessions.resume(db, token).isPresent();
      assertEquals(clock.now.isBefore(Instant.parse("2026-06-01T22:00:00Z")), live, "at " + clock.now);
    }
    assertEquals(1, sessions.deleteExpired(db), "the sweeper removes it");
  }

  @Test
  void only_43_base64url_characters_make_a_token() {
    assertTrue(SessionService.isWellFormed("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0"));
    for (String bad : new String[] {null, "", "abc", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0x",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_=", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_é",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN+/0"}) {
      assertTrue(!SessionService.isWellFormed(bad), String.valueOf(bad));
    }
  }

  @Test
  void malformed_tokens_are_ignored_without_a_lookup() {
    assertTrue(sessions.resume(db, "short").isEmpty());
    assertTrue(sessions.resume(db, "' OR 1=1 --" + "x".repeat(32)).isEmpty());
  }
}
