package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.db.UserStore;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code userdb audit} as a process on a SQLite file: admin commands are recorded as {@code cli:}
 * and the OS user, {@code export} writes them as ECS JSON lines, filtered, and {@code verify} names
 * the record someone changed, removed or inserted with the sqlite3 shell, exiting 1.
 */
class AuditCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CAROL_PASSWORD = "carol-password-1234";

  @TempDir Path work;
  private Path db;

  @BeforeEach
  void createStore() {
    db = work.resolve("userdb.db");
    try (UserStore store = SqliteForTests.store(db)) {
      store.open().close(); // the schema, as the server makes it
    }
  }

  private UserdbProcess.Run userdb(String stdin, String... args) throws Exception {
    String[] withDb = new String[args.length + 2];
    System.arraycopy(args, 0, withDb, 0, args.length);
    withDb[args.length] = "--db";
    withDb[args.length + 1] = db.toString();
    return UserdbProcess.run(work, Map.of(), stdin, withDb);
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

  private void sqlite3(String sql) throws Exception {
    Process p = new ProcessBuilder("sqlite3", db.toString(), sql).redirectErrorStream(true).start();
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
  void verify_passes_an_intact_log_and_names_a_record_changed_with_sqlite3() throws Exception {
    carolsLife();
    UserdbProcess.Run intact = userdb(null, "audit", "verify");
    ok(intact);
    assertTrue(intact.stdout().startsWith("audit log intact: 6 records, the last 6 with hash "));
    sqlite3(
        "DROP TRIGGER audit_log_no_update;"
            + " UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 2;");
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
    sqlite3(
        "CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = 4;"
            + " DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4;");
    UserdbProcess.Run removed = userdb(null, "audit", "verify");
    assertEquals(1, removed.exitCode());
    assertTrue(
        removed.stderr().contains("record 4 was removed (record 5 follows record 3)"),
        removed.stderr());
    sqlite3("INSERT INTO audit_log SELECT * FROM saved;");
    ok(userdb(null, "audit", "verify"));
    sqlite3(
        "INSERT INTO audit_log SELECT 7, occurred_at, action, category, outcome, actor_id,"
            + " actor_name, target_id, target_name, client_address, route, fields, hash, hash"
            + " FROM audit_log WHERE seq = 6;");
    UserdbProcess.Run inserted = userdb(null, "audit", "verify");
    assertEquals(1, inserted.exitCode());
    assertTrue(
        inserted.stderr().contains("record 7 was inserted (after the head, record 6)"),
        inserted.stderr());
  }
}
