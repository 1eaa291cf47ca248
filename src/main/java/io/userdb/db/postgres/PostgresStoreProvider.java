package io.userdb.db.postgres;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserStore;
import io.userdb.db.UserStoreProvider;
import java.util.Locale;

/** PostgreSQL, for sites that outgrow one host: a {@code jdbc:postgresql://} URL. */
public final class PostgresStoreProvider implements UserStoreProvider {

  static final String URL_PREFIX = "jdbc:postgresql:";

  @Override
  public boolean accepts(String location) {
    return location.trim().toLowerCase(Locale.ROOT).startsWith(URL_PREFIX);
  }

  @Override
  public UserStore open(StoreSettings settings) {
    return new PostgresStore(settings);
  }
}
