package io.userdb.db.postgres;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabaseContract;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import org.junit.jupiter.api.AfterEach;

/** The store contract on a real PostgreSQL server, a new database per test. */
class PostgresContractIT extends UserDatabaseContract {

  private String url;
  private PostgresServer smallDisk;

  @Override
  protected UserStore newStore() {
    url = PostgresServer.shared().newDatabase();
    return UserStores.open(StoreSettings.existing(url).withPassword(PostgresServer.PASSWORD));
  }

  /** pg_terminate_backend, as an administrator or a server restart ends a connection. */
  @Override
  protected void killConnection(UserDatabase db) {
    PostgresServer.shared().terminateConnections(url);
  }

  /** pg_ctl stop (fast: every connection ended) and start, as an upgrade would. */
  @Override
  protected void restartStore() throws Exception {
    PostgresServer.shared().stop();
    PostgresServer.shared().start();
  }

  /** Tables on a tablespace of that size, where PostgreSQL fails with 53100 (disk_full). */
  @Override
  protected UserStore newStoreWithRoomFor(long bytes) {
    smallDisk = PostgresServer.startWithSmallDisk(bytes);
    return UserStores.open(
        StoreSettings.existing(smallDisk.newDatabaseOnSmallDisk())
            .withPassword(PostgresServer.PASSWORD));
  }

  @AfterEach
  void destroySmallDisk() {
    if (smallDisk != null) {
      smallDisk.destroy();
    }
  }
}
