package io.userdb.db.postgres;

import io.userdb.db.AuditLogContract;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

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
}
