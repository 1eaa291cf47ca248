package io.userdb.db.postgres;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserDatabaseContract;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;

/** The store contract on a real PostgreSQL server, a new database per test. */
class PostgresContractIT extends UserDatabaseContract {

  private String url;

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
}
