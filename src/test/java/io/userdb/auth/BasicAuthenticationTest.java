package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.audit.AuditOrigin;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.NewUser;
import io.userdb.db.PoolSettings;
import io.userdb.db.ProfileChange;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP Basic through {@link Authenticator} over a real SQLite file: a repeated request costs no
 * password check, and no change to the account, made here or by another process, is missed.
 */
class BasicAuthenticationTest {

  @TempDir Path folder;
  Path file;
  UserDatabase db;
  SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  Clock clock = Clock.systemUTC();
  PasswordHasher hasher = new PasswordHasher();
  BasicCredentialCache credentials = new BasicCredentialCache(clock);
  LoginService logins =
      new LoginService(hasher, LockoutPolicy.DEFAULT, LockoutPolicy.perAddress(20), clock, metrics);
  AccountService accounts = new AccountService(hasher, credentials, logins, clock);
  Authenticator authenticator =
      new Authenticator(
          new SessionService(Duration.ofMinutes(30), Duration.ofHours(12), clock, metrics),
          logins,
          credentials,
          false,
          "",
          "");

  @BeforeEach
  void open() {
    file = folder.resolve("basic.db");
    db = SqliteForTests.store(file).open();
    accounts.create(
        DatabaseAccess.of(db),
        "kim",
        "kim-password-1",
        "",
        "",
        Set.of("user"),
        AuditOrigin.cli("test"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  static String basic(String name, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Caller identify(DatabaseAccess access, String password) {
    return authenticator
        .identify(access, null, basic("kim", password), null, () -> "127.0.0.1")
        .orElseThrow();
  }

  /** Asks SQLite on every call, as the CLI's access does. */
  Caller identify(String password) {
    return identify(DatabaseAccess.of(db), password);
  }

  double passwordChecks() {
    return metrics.get("userdb.logins").tag("outcome", "success").counter().count();
  }

  void elsewhere(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  @Test
  void the_password_is_checked_once_then_remembered() {
    assertEquals("kim", identify("kim-password-1").username());
    assertEquals(1, passwordChecks());
    identify("kim-password-1");
    identify("kim-password-1");
    assertEquals(1, passwordChecks());
    assertThrows(AuthenticationException.class, () -> identify("not-kims-password"));
  }

  @Test
  void many_first_requests_at_once_with_one_credential_cost_one_password_check() throws Exception {
    int clients = 16;
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try (UserDatabasePool pool =
        new UserDatabasePool(
            SqliteForTests.store(file),
            PoolSettings.builder()
                .maxTotal(8)
                .minIdle(0)
                .maxWait(Duration.ofSeconds(5))
                .abandonedTimeout(Duration.ofSeconds(60))
                .build(),
            metrics)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Caller>> callers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        callers.add(
            threads.submit(
                () -> {
                  start.await();
                  try (UserDatabasePool.Access access = pool.access()) {
                    return identify(access, "kim-password-1");
                  }
                }));
      }
      start.countDown();
      for (Future<Caller> caller : callers) {
        assertEquals("kim", caller.get(30, TimeUnit.SECONDS).username());
      }
      assertEquals(1, passwordChecks(), "the others waited for the first one's check");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void an_account_disabled_or_given_new_roles_by_another_process_is_seen_at_once()
      throws Exception {
    identify("kim-password-1");
    elsewhere("UPDATE users SET roles = 'admin,user'");
    assertTrue(identify("kim-password-1").isAdmin(), "the new role, read fresh");
    assertEquals(1, passwordChecks(), "the password itself needed no new check");
    elsewhere("UPDATE users SET disabled = 1");
    assertThrows(AuthenticationException.class, () -> identify("kim-password-1"));
  }

  @Test
  void a_password_changed_by_another_process_ends_the_old_one_at_once() throws Exception {
    identify("kim-password-1");
    String otherHash = hasher.hash("kim-password-2");
    elsewhere("UPDATE users SET password_hash = '" + otherHash + "'");
    assertThrows(AuthenticationException.class, () -> identify("kim-password-1"));
    assertEquals("kim", identify("kim-password-2").username());
  }

  @Test
  void through_the_pool_a_change_made_here_is_seen_at_once_without_asking_sqlite() {
    try (UserDatabasePool pool =
        new UserDatabasePool(
            SqliteForTests.store(file),
            PoolSettings.builder()
                .maxTotal(2)
                .minIdle(0)
                .maxWait(Duration.ofSeconds(2))
                .abandonedTimeout(Duration.ofSeconds(60))
                .changeCheckInterval(Duration.ofHours(1))
                .build(),
            metrics)) {
      try (UserDatabasePool.Access access = pool.access()) {
        identify(access, "kim-password-1");
      }
      try (UserDatabasePool.Access access = pool.access()) {
        assertFalse(identify(access, "kim-password-1").isAdmin());
      }
      try (UserDatabasePool.Lease lease = pool.borrow()) {
        // Past AccountService, which would also drop the entry: the data version alone must do.
        lease
            .db()
            .updateProfile(
                "kim", new ProfileChange(null, null, Set.of("admin", "user"), null), Instant.now());
      }
      try (UserDatabasePool.Access access = pool.access()) {
        assertTrue(identify(access, "kim-password-1").isAdmin());
      }
      try (UserDatabasePool.Lease lease = pool.borrow()) {
        // Another admin first: the store refuses to disable the last enabled one.
        lease
            .db()
            .createUser(
                new NewUser("keeper", "$argon2id$x", "", "", Set.of("admin")), Instant.now());
        lease.db().updateProfile("kim", ProfileChange.disabled(true), Instant.now());
      }
      try (UserDatabasePool.Access access = pool.access()) {
        assertThrows(AuthenticationException.class, () -> identify(access, "kim-password-1"));
      }
    }
  }
}
