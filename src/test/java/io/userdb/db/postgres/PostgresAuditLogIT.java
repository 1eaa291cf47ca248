package io.userdb.db.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.db.AuditLogContract;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The audit log's contract on a real PostgreSQL server, a new database per test, tampered with as
 * the role that owns the tables.
 */
class PostgresAuditLogIT extends AuditLogContract {

  private String url;

  @Override
  protected UserStore newStore() {
    url = PostgresServer.shared().newDatabase();
    return UserStores.open(StoreSettings.existing(url).withPassword(PostgresServer.PASSWORD));
  }

  @Override
  protected void asOwner(String sql) throws SQLException {
    Properties p = new Properties();
    p.setProperty("password", PostgresServer.PASSWORD);
    try (Connection c = DriverManager.getConnection(url, p);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The owner of a table may switch its triggers off. */
  @Override
  protected void asIntruder(String sql) throws SQLException {
    asOwner("ALTER TABLE audit_log DISABLE TRIGGER USER");
    asOwner(sql);
  }

  @Test
  void migrating_an_older_database_records_the_versions_in_its_transaction() throws Exception {
    String old = PostgresServer.shared().newDatabase();
    Properties p = new Properties();
    p.setProperty("password", PostgresServer.PASSWORD);
    try (Connection c = DriverManager.getConnection(old, p)) {
      PostgresSchema.migrate(c, 3);
    }
    try (UserStore store =
            UserStores.open(StoreSettings.existing(old).withPassword(PostgresServer.PASSWORD));
        UserDatabase db = store.open()) {
      List<AuditRecord> records = db.findAudit(AuditQuery.chainAfter(0, 10));
      assertEquals(1, records.size(), records.toString());
      AuditRecord migrated = records.get(0);
      assertEquals("schema.migrated", migrated.action());
      assertEquals("system", migrated.actorName());
      assertEquals("{\"from\":3,\"to\":" + PostgresSchema.CURRENT_VERSION + "}", migrated.fields());
    }
  }

  @Test
  void neither_the_log_nor_its_head_can_be_truncated() {
    fiveRecords();
    assertThrows(SQLException.class, () -> asOwner("TRUNCATE audit_head"));
    assertThrows(SQLException.class, () -> asOwner("TRUNCATE audit_log"));
    assertTrue(verify().problem().isEmpty(), () -> verify().problem().orElseThrow());
  }
}
