package io.userdb.db.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditChain;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.audit.AuditRecord;
import io.userdb.db.AuditLogContract;
import io.userdb.db.UserStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's contract on a real SQLite file, tampered with over plain JDBC. */
class SqliteAuditLogTest extends AuditLogContract {

  @TempDir Path folder;

  private Path file() {
    return folder.resolve("userdb.db");
  }

  @Override
  protected UserStore newStore() {
    return SqliteForTests.store(file());
  }

  @Override
  protected void asOwner(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Anyone who can write the file can drop the triggers first. */
  @Override
  protected void asIntruder(String sql) throws SQLException {
    for (String trigger :
        List.of(
            "audit_log_no_update",
            "audit_log_no_delete",
            "audit_log_append_at_head",
            "audit_log_moves_the_head")) {
      asOwner("DROP TRIGGER IF EXISTS " + trigger);
    }
    asOwner(sql);
  }

  /**
   * SQLite keeps any type in any column: a value stored as another type reads back as the one
   * hashed, yet no search finds it. Verify names it all the same.
   */
  @Test
  void verify_names_a_value_stored_as_another_type() throws Exception {
    fiveRecords();
    asIntruder("UPDATE audit_log SET action = CAST(action AS BLOB) WHERE seq = 3");
    assertEquals(
        "record 3 was changed (its hash does not match its content)",
        verify().problem().orElseThrow());
  }

  /** The search by user, as JdbcAudit words it, reads two indexes, not the whole log. */
  @Test
  void a_search_by_user_uses_the_indexes() throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "EXPLAIN QUERY PLAN SELECT seq FROM audit_log WHERE seq < 9 AND (LOWER(actor_name)"
                    + " = 'x' OR LOWER(target_name) = 'x') ORDER BY seq DESC LIMIT 5")) {
      while (rs.next()) {
        plan.append(rs.getString("detail")).append('\n');
      }
    }
    assertTrue(plan.toString().contains("USING INDEX audit_by_actor"), plan.toString());
    assertTrue(plan.toString().contains("USING INDEX audit_by_target"), plan.toString());
  }

  /** INSERT OR REPLACE removes the row it replaces without firing delete triggers. */
  @Test
  void insert_or_replace_cannot_replace_a_record() {
    fiveRecords();
    AuditRecord third = all().get(2);
    AuditRecord forged =
        AuditRecord.next(
            3,
            Instant.now(),
            AuditEvent.success(AuditAction.USER_LOGIN, AuditOrigin.cli("x"), null, "mallory"),
            third.prevHash());
    assertThrows(
        SQLException.class, () -> asOwner(insert(forged).replace("INSERT", "INSERT OR REPLACE")));
    assertThrows(
        SQLException.class,
        () ->
            asOwner(
                "INSERT OR REPLACE INTO audit_head VALUES (1, 0, '"
                    + AuditChain.GENESIS
                    + "', 1, '"
                    + AuditChain.GENESIS
                    + "')"));
    assertTrue(verify().problem().isEmpty(), () -> verify().problem().orElseThrow());
  }
}
