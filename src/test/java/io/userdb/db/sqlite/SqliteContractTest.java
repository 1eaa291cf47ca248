package io.userdb.db.sqlite;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabaseContract;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
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

  /** No server runs an embedded store: the nearest thing is every connection to it ending. */
  @Override
  protected void restartStore() throws Exception {
    for (UserDatabase object : openedObjects()) {
      SqliteForTests.connectionOf(object).close();
    }
  }

  /** SQLite's own quota (max_page_count) fails a write as a full disk does: SQLITE_FULL. */
  @Override
  protected UserStore newStoreWithRoomFor(long bytes) {
    return UserStores.open(
        StoreSettings.existing(folder.resolve("small.db").toString())
            .creatingIt()
            .withMaxBytes(bytes));
  }
}
