package io.userdb.db.sqlite;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserStore;
import io.userdb.db.UserStoreProvider;
import java.nio.file.Path;
import java.util.Locale;

/**
 * SQLite, the embedded default: a location that is a file path, or a {@code jdbc:sqlite:} URL
 * naming one. Any other URL ({@code jdbc:...}, {@code postgresql://...}) is not a file.
 */
public final class SqliteStoreProvider implements UserStoreProvider {

  private static final String URL_PREFIX = "jdbc:sqlite:";

  @Override
  public boolean accepts(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith(URL_PREFIX)
        || !(lower.startsWith("jdbc:") || lower.matches("[a-z][a-z0-9+.-]*://.*"));
  }

  @Override
  public UserStore open(StoreSettings settings) {
    String location = settings.location().trim();
    if (location.toLowerCase(Locale.ROOT).startsWith(URL_PREFIX)) {
      location = location.substring(URL_PREFIX.length());
    }
    return new SqliteStore(Path.of(location), settings);
  }
}
