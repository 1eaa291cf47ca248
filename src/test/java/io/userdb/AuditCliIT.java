package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.audit.AuditChain;
import io.userdb.db.UserStore;
import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code userdb audit} as a process on the store under test (a SQLite file; a PostgreSQL database
 * in the build's postgresql run): admin commands are recorded as {@code cli:} and the OS user,
 * {@code export} writes them as ECS JSON lines, filtered, and {@code verify} names the record
 * someone changed, removed or inserted with the store's own shell (sqlite3, psql), exiting 1.
 */
class AuditCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CAROL_PASSWORD = "carol-password-1234";

  @TempDir Path work;
  private String db;

  @BeforeEach
  void createStore() {
    db = StoreUnderTest.location(work.resolve("userdb.db"));
    try (UserStore store = StoreUnderTest.create(work.resolve("userdb.db"))) {
      store.open().close(); // the schema, as the server makes it
    }
  }

  private UserdbProcess.Run userdb(String stdin, String... args) throws Exception {
    String[] withDb = new String[args.length + 2];
    System.arraycopy(args, 0, withDb, 0, args.length);
    withDb[args.length] = "--db";
    withDb[args.length + 1] = db;
    return UserdbProcess.run(work, StoreUnderTest.env(), stdin, withDb);
  }

  private void ok(UserdbProcess.Run run) {
    assertEquals(0, run.exitCode(), run.stderr());
  }

  private List<JsonNode> export(String... filters) throws Exception {
    String[] args = new String[filters.length + 2];
    args[0] = "audit";
    args[1] = "export";
    System.arraycopy(filters, 0, args, 2, filters.length);
    UserdbProcess.Run run = userdb(null, args);
    ok(run);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.stdout().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  /**
   * Runs {@code sql} in the store's own shell as someone who can write the store, after lifting the
   * triggers that keep the log append-only, which they can too: the file's owner drops them; the
   * role that owns the tables switches them off.
   */
  private void tamper(String sql) throws Exception {
    ProcessBuilder shell;
    if (StoreUnderTest.isPostgres()) {
      shell =
          new ProcessBuilder(
              PostgresServer.binaryFolder().resolve("psql").toString(),
              "--no-psqlrc",
              "--set=ON_ERROR_STOP=1",
              "--dbname=" + db.substring("jdbc:".length()),
              "--command=ALTER TABLE audit_log DISABLE TRIGGER ALL;"
                  + " ALTER TABLE audit_head DISABLE TRIGGER ALL; "
                  + sql);
      shell.environment().put("PGPASSWORD", PostgresServer.PASSWORD);
    } else {
      shell =
          new ProcessBuilder(
              "sqlite3",
              db,
              "DROP TRIGGER IF EXISTS audit_log_no_update;"
                  + " DROP TRIGGER IF EXISTS audit_log_no_delete;"
                  + " DROP TRIGGER IF EXISTS audit_log_append_at_head;"
                  + " DROP TRIGGER IF EXISTS audit_log_moves_the_head;"
                  + " DROP TRIGGER IF EXISTS audit_head_moves_with_the_chain; "
                  + sql);
    }
    Process p = shell.redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
  }

  private void carolsLife() throws Exception {
    ok(userdb(CAROL_PASSWORD + "\n", "user", "add", "carol", "--password-stdin"));
    ok(userdb(null, "user", "disable", "carol"));
    ok(userdb(null, "user", "roles", "carol", "--role", "guest", "--role", "user", "--enable"));
    ok(userdb(CAROL_PASSWORD + "-new\n", "user", "passwd", "carol", "--password-stdin"));
    ok(userdb(null, "user", "delete", "carol"));
  }

  @Test
  void admin_commands_are_recorded_as_the_cli_and_exported_in_ecs_names() throws Exception {
    carolsLife();
    List<JsonNode> events = export();
    List<String> actions = events.stream().map(e -> e.at("/event/action").asText()).toList();
    assertEquals(
        List.of(
            "user.created",
            "user.disabled",
            "user.updated",
            "user.enabled",
            "user.password_changed",
            "user.deleted"),
        actions);
    String cli = "cli:" + System.getProperty("user.name");
    for (JsonNode event : events) {
      assertEquals(cli, event.at("/user/name").asText(), event.toString());
      assertEquals("carol", event.at("/user/target/name").asText(), event.toString());
      assertEquals("iam", event.at("/event/category/0").asText());
      assertEquals("success", event.at("/event/outcome").asText());
      assertTrue(event.get("@timestamp").asText().endsWith("Z"));
      assertFalse(event.toString().contains(CAROL_PASSWORD), "a password in " + event);
      assertFalse(event.toString().contains("$argon2id$"), "a hash in " + event);
    }
    assertEquals("[\"guest\",\"user\"]", events.get(2).at("/userdb/roles_to").toString());
    assertEquals(1, export("--action", "user.deleted").size());
    assertEquals(6, export("--user", "CAROL").size());
    assertEquals(0, export("--user", "dave").size());
    assertEquals(0, export("--since", "2999-01-01T00:00:00Z").size());
    UserdbProcess.Run bad = userdb(null, "audit", "export", "--since", "tomorrow");
    assertEquals(1, bad.exitCode());
    assertTrue(bad.stderr().contains("--since must be an ISO-8601 instant"), bad.stderr());
  }

  @Test
  void verify_passes_an_intact_log_and_names_a_record_changed_in_the_stores_shell()
      throws Exception {
    carolsLife();
    UserdbProcess.Run intact = userdb(null, "audit", "verify");
    ok(intact);
    assertTrue(intact.stdout().startsWith("audit log intact: 6 records, the last 6 with hash "));
    tamper("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 2");
    UserdbProcess.Run changed = userdb(null, "audit", "verify");
    assertEquals(1, changed.exitCode(), changed.stdout());
    assertEquals(
        "userdb: audit log tampered with: record 2 was changed (its hash does not match its"
            + " content); 1 records before it are intact",
        changed.stderr().strip());
  }

  @Test
  void verify_names_a_record_removed_and_one_inserted_after_the_head() throws Exception {
    carolsLife();
    tamper(
        "CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = 4;"
            + " DELETE FROM audit_log WHERE seq = 4");
    UserdbProcess.Run removed = userdb(null, "audit", "verify");
    assertEquals(1, removed.exitCode());
    assertTrue(
        removed.stderr().contains("record 4 was removed (record 5 follows record 3)"),
        removed.stderr());
    tamper("INSERT INTO audit_log SELECT * FROM saved");
    ok(userdb(null, "audit", "verify"));
    tamper(
        "INSERT INTO audit_log SELECT 7, occurred_at, action, category, outcome, actor_id,"
            + " actor_name, target_id, target_name, client_address, route, fields, hash, hash"
            + " FROM audit_log WHERE seq = 6;");
    UserdbProcess.Run inserted = userdb(null, "audit", "verify");
    assertEquals(1, inserted.exitCode());
    assertTrue(
        inserted.stderr().contains("record 7 was inserted (after the head, record 6)"),
        inserted.stderr());
  }

  /** A whole log rewritten verifies; a head kept from before it does not. */
  @Test
  void verify_with_a_kept_head_catches_a_log_rewritten_with_a_chain_that_verifies()
      throws Exception {
    carolsLife();
    UserdbProcess.Run first = userdb(null, "audit", "verify");
    ok(first);
    String head =
        first.stdout().lines().filter(l -> l.startsWith("head ")).findFirst().orElseThrow();
    String kept = head.substring("head ".length());
    assertTrue(kept.matches("6:[0-9a-f]{64}"), kept);
    UserdbProcess.Run found = userdb(null, "audit", "verify", "--kept", kept);
    ok(found);
    assertTrue(found.stdout().contains("kept head 6 found as it was"), found.stdout());

    String other = "6:" + "ab".repeat(32);
    UserdbProcess.Run notIt = userdb(null, "audit", "verify", "--kept", kept, "--kept", other);
    assertEquals(1, notIt.exitCode(), notIt.stdout());
    assertEquals(
        "userdb: audit log rewritten: record 6 is not the one kept: the log was rewritten, at that"
            + " record or before it",
        notIt.stderr().strip());

    tamper(
        "DELETE FROM audit_log; UPDATE audit_head SET last_seq = 0, last_hash = '"
            + AuditChain.GENESIS
            + "';");
    ok(userdb(null, "audit", "verify")); // an empty log is a chain that verifies
    UserdbProcess.Run rewritten = userdb(null, "audit", "verify", "--kept", kept);
    assertEquals(1, rewritten.exitCode(), rewritten.stdout());
    assertTrue(
        rewritten.stderr().contains("the log ends at record 0, before record 6 kept"),
        rewritten.stderr());

    UserdbProcess.Run malformed = userdb(null, "audit", "verify", "--kept", "six:abc");
    assertEquals(1, malformed.exitCode());
    assertTrue(malformed.stderr().contains("--kept: a kept head is SEQ:HASH"), malformed.stderr());
  }

  @Test
  void a_backup_is_recorded_with_its_file_and_none_of_its_contents() throws Exception {
    ok(userdb(CAROL_PASSWORD + "\n", "user", "add", "carol", "--password-stdin"));
    Path out = work.resolve("copies/backup.db");
    java.nio.file.Files.createDirectories(out.getParent());
    if (StoreUnderTest.isPostgres()) { // PostgreSQL's backups are pg_dump's: none is recorded
      UserdbProcess.Run refused = userdb(null, "backup", out.toString());
      assertEquals(1, refused.exitCode(), refused.stdout());
      assertTrue(refused.stderr().contains("pg_dump"), refused.stderr());
      assertEquals(List.of(), export("--action", "database.backed_up"));
      return;
    }
    ok(userdb(null, "backup", out.toString()));
    List<JsonNode> events = export("--action", "database.backed_up");
    assertEquals(1, events.size(), events.toString());
    JsonNode event = events.get(0);
    assertEquals("cli:" + System.getProperty("user.name"), event.at("/user/name").asText());
    assertEquals("database", event.at("/event/category/0").asText());
    assertEquals("success", event.at("/event/outcome").asText());
    assertEquals(out.toAbsolutePath().toString(), event.at("/userdb/file").asText(), event + "");
    assertTrue(event.at("/user/target").isMissingNode(), event.toString());
    assertFalse(event.toString().contains(CAROL_PASSWORD), "a password in " + event);
    assertFalse(event.toString().contains("$argon2id$"), "a hash in " + event);
    UserdbProcess.Run verify = userdb(null, "audit", "verify");
    ok(verify);
  }

  @Test
  void an_htpasswd_import_is_recorded_once_with_its_counts_beside_each_user() throws Exception {
    String sha = "{SHA}" + java.util.Base64.getEncoder().encodeToString(new byte[20]);
    Path file = work.resolve("users.htpasswd");
    java.nio.file.Files.writeString(
        file,
        String.join(
            "\n",
            "# from Apache",
            "erin:" + sha,
            "frank:" + sha,
            "plain:not-a-hash",
            "no colon here",
            ""));
    ok(userdb(null, "import-htpasswd", file.toString()));
    List<JsonNode> events = export();
    assertEquals(
        List.of("user.created", "user.created", "user.imported"),
        events.stream().map(e -> e.at("/event/action").asText()).toList());
    JsonNode summary = events.get(2);
    assertEquals("cli:" + System.getProperty("user.name"), summary.at("/user/name").asText());
    assertEquals(2, summary.at("/userdb/imported").asInt(), summary.toString());
    assertEquals(2, summary.at("/userdb/skipped").asInt(), summary.toString());
    assertEquals("users.htpasswd", summary.at("/userdb/file").asText(), summary.toString());
    for (JsonNode event : events) {
      assertFalse(event.toString().contains(sha), "a hash in " + event);
      assertFalse(event.toString().contains("not-a-hash"), "a password in " + event);
    }
  }
}
