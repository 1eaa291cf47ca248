package io.userdb.db.sqlite;

import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabaseContract;
import io.userdb.db.UserStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real SQLite file. */
class SqliteContractTest extends UserDatabaseContract {

  @TempDir Path folder;

  @Override
  protected UserStore newStore() {
    return SqliteForTests.store(folder.resolve("userdb.db"));
  }

  @Override
  protected void killConnection(UserDatabase db) throws Exception {
    SqliteForTests.connectionOf(db).close();
  }
}
