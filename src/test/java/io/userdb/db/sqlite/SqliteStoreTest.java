package io.userdb.db.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.db.DatabaseException;
import io.userdb.db.NewUser;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is SQLite's own in the store: the file, the pragmas, the schema version, backups. */
class SqliteStoreTest {

  @TempDir Path folder;
  Path file;
  SqliteStore store;

  @BeforeEach
  void open() {
    file = folder.resolve("sub/dir/userdb.db");
    store =
        new SqliteStore(
            file,
            StoreSettings.existing(file.toString())
                .withLockWait(Duration.ofSeconds(5))
                .creatingIt());
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
  void sessions_from_before_the_stored_end_end_after_thirty_minutes_unused() throws Exception {
    Path old = folder.resolve("old.db");
    long lastSeen = 1_780_000_000_000L;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement s = c.createStatement()) {
      SqliteSchema.migrate(c, 2);
      s.execute(
          "INSERT INTO users (id, username, name_key, password_hash, created_at, updated_at)"
              + " VALUES (1, 'old', 'old', 'x', 0, 0)");
      s.execute(
          "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
              + " VALUES ('t', 1, 0, "
              + lastSeen
              + ", "
              + (lastSeen + 43_200_000L)
              + ")");
    }
    try (UserDatabase db = new SqliteStore(old, StoreSettings.existing(old.toString())).open()) {
      Instant idleEnd = Instant.ofEpochMilli(lastSeen + 1_800_000L);
      assertEquals(
          idleEnd, db.findSession("t", Instant.ofEpochMilli(lastSeen)).orElseThrow().endsAt());
      assertTrue(db.findSession("t", idleEnd).isEmpty());
    }
  }

  @Test
  void migrating_an_older_database_records_the_versions_and_a_new_one_records_nothing()
      throws Exception {
    Path old = folder.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old)) {
      SqliteSchema.migrate(c, 3);
    }
    try (UserDatabase db = new SqliteStore(old, StoreSettings.existing(old.toString())).open()) {
      List<AuditRecord> records = db.findAudit(AuditQuery.chainAfter(0, 10));
      assertEquals(1, records.size(), records.toString());
      AuditRecord migrated = records.get(0);
      assertEquals("schema.migrated", migrated.action());
      assertEquals("database", migrated.category());
      assertEquals("success", migrated.outcome());
      assertEquals("system", migrated.actorName());
      assertEquals("{\"from\":3,\"to\":" + SqliteSchema.CURRENT_VERSION + "}", migrated.fields());
    }
    try (UserDatabase db = new SqliteStore(old, StoreSettings.existing(old.toString())).open()) {
      assertEquals(1, db.findAudit(AuditQuery.chainAfter(0, 10)).size(), "migrated once");
    }
    try (UserDatabase db = store.open()) {
      assertEquals(List.of(), db.findAudit(AuditQuery.chainAfter(0, 10)), "created, not migrated");
    }
  }

  @Test
  void the_admin_commands_open_only_an_existing_sqlite_database() throws Exception {
    Path missing = folder.resolve("missing.db");
    assertThrows(
        io.userdb.db.StoreNotFoundException.class,
        () -> new SqliteStore(missing, StoreSettings.existing(missing.toString())));
    assertTrue(Files.notExists(missing), "nothing created");
    Path text = Files.writeString(folder.resolve("notes.txt"), "not a database");
    assertThrows(
        io.userdb.db.StoreNotFoundException.class,
        () -> new SqliteStore(text, StoreSettings.existing(text.toString())));
    assertEquals("not a database", Files.readString(text));
  }

  @Test
  void a_location_is_a_path_or_a_jdbc_sqlite_url_and_no_other_url() {
    SqliteStoreProvider provider = new SqliteStoreProvider();
    assertTrue(provider.accepts("data/userdb.db"));
    assertTrue(provider.accepts("jdbc:sqlite:/var/lib/userdb/userdb.db"));
    assertFalse(provider.accepts("jdbc:postgresql://db/userdb"));
    assertFalse(provider.accepts("postgresql://db/userdb"), "a libpq URL is not a file name");
  }

  @Test
  void database_file_is_private_and_its_new_folders_too() throws Exception {
    try (UserDatabase db = store.open()) {
      db.createUser(user("x"), Instant.now());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(file + "-wal"))));
    }
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent().getParent())));
  }

  @Test
  void connections_use_wal_normal_sync_foreign_keys_and_a_busy_timeout() throws Exception {
    try (UserDatabase db = store.open()) {
      Connection c = ((SqliteUserDatabase) db).connection();
      try (Statement s = c.createStatement()) {
        assertEquals("wal", query(s, "PRAGMA journal_mode"));
        assertEquals("1", query(s, "PRAGMA synchronous"));
        assertEquals("1", query(s, "PRAGMA foreign_keys"));
        assertEquals("5000", query(s, "PRAGMA busy_timeout"));
        assertEquals(
            Integer.toString(SqliteSchema.CURRENT_VERSION), query(s, "PRAGMA user_version"));
      }
    }
  }

  @Test
  void a_database_from_a_newer_userdb_is_refused() throws Exception {
    Path newer = folder.resolve("newer.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (SqliteSchema.CURRENT_VERSION + 1));
    }
    DatabaseException e =
        assertThrows(DatabaseException.class, () -> SqliteForTests.store(newer).open());
    assertTrue(e.getMessage().contains("newer than this userdb supports"), e.getMessage());
  }

  @Test
  void backup_is_a_consistent_openable_copy() throws Exception {
    try (UserDatabase db = store.open()) {
      db.createUser(user("kept"), Instant.now());
      Path out = folder.resolve("backup.db");
      store.backupTo(out);
      try (UserDatabase copy = SqliteForTests.store(out).open()) {
        assertTrue(copy.findUser("kept").isPresent());
      }
    }
  }

  @Test
  void backup_writes_only_a_file_it_creates_and_refuses_existing_files_and_links()
      throws Exception {
    Path planted = Files.createFile(folder.resolve("planted.db"));
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-rw-rw-"));
    Path link = Files.createSymbolicLink(folder.resolve("link.db"), planted);
    Path dangling =
        Files.createSymbolicLink(folder.resolve("dangling.db"), folder.resolve("nowhere.db"));
    try (UserDatabase db = store.open()) {
      for (Path target : new Path[] {planted, link, dangling}) {
        DatabaseException refused =
            assertThrows(DatabaseException.class, () -> store.backupTo(target));
        assertTrue(refused.getMessage().contains("exists already"), refused.getMessage());
      }
      Path fresh = folder.resolve("fresh.db");
      store.backupTo(fresh);
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }
    assertEquals(
        0, Files.size(planted), "nothing written into the planted file or through the link");
    assertEquals(
        "rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(planted)));
    assertFalse(
        Files.exists(folder.resolve("nowhere.db")), "nothing created through the dangling link");
  }
}
