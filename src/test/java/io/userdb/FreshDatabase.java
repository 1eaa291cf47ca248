package io.userdb;

import io.userdb.db.sqlite.SqliteForTests;
import java.nio.file.Path;

/**
 * A database as {@code userdb serve} leaves it at first start (the file 0600, the schema), made by
 * the same production code without starting a server or creating its admin: the admin commands only
 * work on a database that exists.
 */
final class FreshDatabase {

  private FreshDatabase() {}

  static Path at(Path file) {
    SqliteForTests.store(file).open().close();
    return file;
  }
}
