package io.userdb;

import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditOrigin;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.audit.AuditVerifier;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.UserStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit options through a real server: {@code --audit-log} writes each committed event as one
 * ECS line, the same as the store holds, to a file only its owner can read, with no secret in it;
 * {@code --audit-retention} prunes old records at start and the chain still verifies.
 */
@Timeout(60)
class AuditLogOptionsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOB = "bob-password-for-the-log";
  private static final String WRONG = "not-the-password-7";

  @TempDir Path folder;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private List<AuditRecord> records() {
    try (UserDatabasePool.Access access = server.service().pool().access()) {
      return access.db().findAudit(AuditQuery.chainAfter(0, 10_000));
    }
  }

  @Test
  void audit_log_writes_each_committed_event_as_a_line_to_a_file_only_its_owner_reads()
      throws Exception {
    Path log = folder.resolve("logs").resolve("audit.jsonl");
    server = TestServer.start(folder, "audit-log", log.toString());
    String admin = server.http.login("admin", TestServer.ADMIN_PASSWORD);
    server.http.send("POST", "/api/session", json("username", "admin", "password", WRONG));
    server.http.send(
        "POST", "/api/users", json("username", "bob", "password", BOB), session(admin));
    List<AuditRecord> stored = records();

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertEquals(stored.size(), lines.size(), "one line per committed record: " + lines);
    List<String> actions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertEquals(stored.get(i).seq(), line.path("event").path("sequence").asLong());
      assertEquals(stored.get(i).hash(), line.path("event").path("hash").asText());
      actions.add(line.path("event").path("action").asText());
    }
    assertEquals(
        List.of(
            "user.created",
            "service.started",
            "user.login",
            "session.created",
            "user.login",
            "user.created"),
        actions);
    String text = Files.readString(log, StandardCharsets.UTF_8);
    for (String secret : List.of(TestServer.ADMIN_PASSWORD, BOB, WRONG, admin)) {
      assertFalse(text.contains(secret), "a secret in the audit log file: " + secret);
    }
  }

  @Test
  void an_existing_log_others_could_read_is_made_owner_only_and_a_symbolic_link_refused()
      throws Exception {
    Path log = folder.resolve("audit.jsonl");
    Files.writeString(log, "{\"earlier\":true}\n");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
    server = TestServer.start(folder, "audit-log", log.toString());
    server.http.login("admin", TestServer.ADMIN_PASSWORD);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertEquals("{\"earlier\":true}", lines.get(0), "appended to, not replaced");
    assertTrue(lines.size() > 1, lines.toString());
    server.close();
    server = null;

    Path elsewhere = folder.resolve("elsewhere.jsonl");
    Path link = folder.resolve("link.jsonl");
    Files.createSymbolicLink(link, elsewhere);
    RuntimeException refused =
        assertThrows(
            RuntimeException.class, () -> TestServer.start(folder, "audit-log", link.toString()));
    assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
    assertFalse(Files.exists(elsewhere), "nothing written where the link points");
  }

  @Test
  void records_older_than_the_retention_are_pruned_at_start_and_the_chain_verifies()
      throws Exception {
    Instant longAgo = Instant.now().minus(Duration.ofDays(3));
    try (UserStore store = StoreUnderTest.create(folder.resolve("userdb.db"));
        UserDatabase db = store.open()) {
      for (int i = 0; i < 5; i++) {
        db.appendAudit(
            AuditEvent.success(AuditAction.SERVICE_STARTED, AuditOrigin.system(""), null, null),
            longAgo);
      }
    }
    long before = 5;
    server = TestServer.start(folder, "audit-retention", "2d");
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<AuditRecord> kept = records();
    while (kept.stream().noneMatch(r -> r.action().equals("audit.pruned"))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      kept = records();
    }
    AuditRecord pruning =
        kept.stream().filter(r -> r.action().equals("audit.pruned")).findFirst().orElseThrow();
    assertEquals(before, JSON.readTree(pruning.fields()).path("pruned").asLong(), pruning.fields());
    try (UserDatabasePool.Access access = server.service().pool().access()) {
      AuditHead head = access.db().auditHead();
      assertTrue(head.pruned(), head.toString());
      AuditVerifier verifier =
          AuditVerifier.walk(
              after -> access.db().findAudit(AuditQuery.chainAfter(after, 5)),
              () -> access.db().auditHead());
      assertTrue(verifier.problem().isEmpty(), verifier.problem().toString());
    }
  }
}
