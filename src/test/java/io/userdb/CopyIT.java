package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.auth.PasswordHasher;
import io.userdb.db.NewUser;
import io.userdb.db.ProfileChange;
import io.userdb.db.StoreSettings;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code userdb copy} moves every user from SQLite to PostgreSQL and back with their whole state,
 * runs twice without changing anything, checks the result, and the copied hashes sign in.
 */
class CopyIT {

  private static final String PASSWORD = "copied-password-5a1c";

  @TempDir Path work;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static AuditHead auditHeadOf(StoreSettings settings) {
    try (UserStore store = UserStores.open(settings);
        UserDatabase db = store.open()) {
      return db.auditHead();
    }
  }

  @Test
  void
      users_move_from_sqlite_to_postgresql_and_back_with_their_state_and_a_second_run_changes_nothing()
          throws Exception {
    Path sqlite = work.resolve("data/userdb.db");
    Instant created = Instant.parse("2026-01-02T03:04:05.678Z");
    try (UserStore store = UserStores.open(StoreSettings.existing(sqlite.toString()).creatingIt());
        UserDatabase db = store.open()) {
      List<NewUser> many = new ArrayList<>();
      for (int i = 0; i < 1200; i++) {
        many.add(new NewUser("user" + i, "$argon2id$fake" + i, "User " + i, "", Set.of("user")));
      }
      db.createUsers(many, created);
      db.createUser(
          new NewUser(
              "Real.Person",
              new PasswordHasher().hash(PASSWORD),
              "Real",
              "r@example.org",
              Set.of("user", "admin")),
          created);
      db.updateProfile("user7", ProfileChange.disabled(true), created);
      long id = db.findUser("user9").orElseThrow().id();
      db.reserveLoginAttempt(id, created, n -> created.plusSeconds(3600));
    }
    String url = PostgresServer.shared().newDatabase();
    Map<String, String> env = Map.of("USERDB_DB_PASSWORD", PostgresServer.PASSWORD);
    AuditHead sourceHead = auditHeadOf(StoreSettings.existing(sqlite.toString()));
    String kept = sourceHead.seq() + ":" + sourceHead.hash();

    for (int run = 1; run <= 2; run++) {
      UserdbProcess.Run copy =
          UserdbProcess.run(work, env, null, "copy", "--from", sqlite.toString(), "--to", url);
      assertEquals(0, copy.exitCode(), copy.stderr());
      assertTrue(
          copy.stdout().contains("copied 1201 users")
              && copy.stdout().contains("1201 of 1201 match"),
          copy.stdout());
      assertTrue(copy.stderr().contains("copied 1201/1201 (100%)"), "progress: " + copy.stderr());
      assertTrue(!copy.stderr().contains(PostgresServer.PASSWORD));
    }
    try (UserStore pg =
            UserStores.open(StoreSettings.existing(url).withPassword(PostgresServer.PASSWORD));
        UserDatabase db = pg.open()) {
      assertEquals(1201, db.countUsers(), "a second run added nothing");
      assertTrue(db.findUser("user7").orElseThrow().disabled());
      User locked = db.findUser("user9").orElseThrow();
      assertEquals(1, locked.failedLogins());
      assertEquals(created.plusSeconds(3600), locked.lockedUntil());
      User real = db.findUser("real.person").orElseThrow();
      assertEquals("Real.Person", real.username());
      assertEquals(Set.of("user", "admin"), real.roles());
      assertEquals(created, real.createdAt());
      // Each store keeps its log: the target's names the source and the source's head then.
      List<AuditRecord> copiedIn =
          db.findAudit(AuditQuery.oldest(null, "user.copied", null, 0, 100));
      assertEquals(6, copiedIn.size(), "three pages a run, two runs: " + copiedIn);
      JsonNode first = JSON.readTree(copiedIn.get(0).fields());
      assertEquals(kept, first.path("source_head").asText());
      assertEquals(500, first.path("count").asInt());
      assertTrue(first.path("from").asText().contains(sqlite.toString()), first.toString());
    }
    try (UserStore store = UserStores.open(StoreSettings.existing(sqlite.toString()));
        UserDatabase db = store.open()) {
      List<AuditRecord> copiedOut =
          db.findAudit(AuditQuery.oldest(null, "user.copied", null, 0, 100));
      assertEquals(2, copiedOut.size(), copiedOut.toString());
      JsonNode out = JSON.readTree(copiedOut.get(0).fields());
      assertEquals(1201, out.path("count").asInt());
      assertEquals(0, out.path("differing").asInt());
      assertTrue(out.path("to").asText().startsWith("PostgreSQL database"), out.toString());
      assertFalse(copiedOut.toString().contains(PostgresServer.PASSWORD));
    }
    UserdbProcess.Run verified =
        UserdbProcess.run(
            work, env, null, "audit", "verify", "--db", sqlite.toString(), "--kept", kept);
    assertEquals(0, verified.exitCode(), verified.stderr());

    // The copied hash signs in on a server running on PostgreSQL.
    try (UserdbProcess server =
        UserdbProcess.serve(work, env, "--db", url, "--http-port", "0", "--ajp-port", "-1")) {
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      assertEquals(200, http.get("/api/me", HttpApi.basic("Real.Person", PASSWORD)).status());
      assertEquals(401, http.get("/api/me", HttpApi.basic("user7", "anything-at-all")).status());
    }

    // And back, into a new SQLite file.
    Path back = work.resolve("back/userdb.db");
    UserdbProcess.Run copyBack =
        UserdbProcess.run(work, env, null, "copy", "--from", url, "--to", back.toString());
    assertEquals(0, copyBack.exitCode(), copyBack.stderr());
    assertTrue(copyBack.stdout().contains("1201 of 1201 match"), copyBack.stdout());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(back)));
    UserdbProcess.Run list =
        UserdbProcess.run(work, Map.of(), null, "user", "list", "--db", back.toString());
    assertEquals(1201, list.stdout().lines().count(), list.stderr());

    UserdbProcess.Run same = UserdbProcess.run(work, env, null, "copy", "--from", url, "--to", url);
    assertEquals(1, same.exitCode());
    assertEquals(1, same.stderr().strip().lines().count(), same.stderr());
  }
}
