package io.userdb;

import io.userdb.db.DatabaseFiles;
import io.userdb.db.PoolSettings;
import io.userdb.db.SqliteUserDatabase;
import java.nio.file.Path;

/**
 * A database as {@code userdb serve} leaves it at first start (the file 0600, the schema), made
 * by the same production code without starting a server or creating its admin: the admin
 * commands only work on a database that exists.
 */
final class FreshDatabase {

  private FreshDatabase() {}

  static Path at(Path file) {
    DatabaseFiles.prepare(file);
    SqliteUserDatabase.open(file, PoolSettings.DEFAULT_BUSY_TIMEOUT).close();
    return file;
  }
}
