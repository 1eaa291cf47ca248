package io.userdb.db.sqlite;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import java.nio.file.Path;
import java.sql.Connection;

/** What tests elsewhere need of the SQLite store: one on a file, and a way under its objects. */
public final class SqliteForTests {

  /** The schema version this build migrates to. */
  public static final int SCHEMA_VERSION = SqliteSchema.CURRENT_VERSION;

  private SqliteForTests() {}

  /** The store on {@code file}, created as the server creates it if missing. */
  public static UserStore store(Path file) {
    return UserStores.open(StoreSettings.existing(file.toString()).creatingIt());
  }

  /** The JDBC connection under a SQLite object, for tests that make it die underneath. */
  public static Connection connectionOf(UserDatabase db) {
    return ((SqliteUserDatabase) db).connection();
  }
}
