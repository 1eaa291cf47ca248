package io.userdb.db.sqlite;

import io.userdb.db.DatabaseException;
import io.userdb.db.StoreNotFoundException;
import io.userdb.files.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The database file on disk: created private before SQLite opens it, recognised before use. */
final class SqliteFiles {

  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private SqliteFiles() {}

  /**
   * Makes sure {@code file} exists, creating missing folders 0700 and the file 0600. SQLite gives
   * the -wal and -shm files the main file's permissions, so all three stay private.
   *
   * @throws DatabaseException naming the path if it cannot be done
   */
  static void prepare(Path file) {
    Path absolute = file.toAbsolutePath();
    Path folder = absolute.getParent();
    try {
      PrivateFiles.createFolders(folder);
      if (!Files.isWritable(folder)) {
        throw new DatabaseException("database folder " + folder + " is not writable");
      }
      PrivateFiles.createFile(absolute);
      if (!Files.isWritable(absolute)) {
        throw new DatabaseException("database file " + absolute + " is not writable");
      }
    } catch (IOException e) {
      throw new DatabaseException("cannot create database " + absolute + ": " + e, e);
    }
  }

  /**
   * Refuses a missing file, and one that is not a SQLite database: SQLite would turn an empty or
   * unrelated file into a database, keeping its mode, and a command that seemed to work on it (a
   * user added, a backup taken) worked on nothing.
   */
  static void requireDatabase(Path file) {
    if (!Files.exists(file)) {
      throw new StoreNotFoundException(
          "no database at " + file + " (start `userdb serve` once to create it, or check --db)");
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (!Arrays.equals(in.readNBytes(SQLITE_HEADER.length), SQLITE_HEADER)) {
        throw new StoreNotFoundException(
            file + " is not a userdb database (start `userdb serve` to create one, or check --db)");
      }
    } catch (IOException e) {
      throw new DatabaseException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The file's real path, so two spellings of one file share what is kept per file. */
  static Path identity(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize(); // not there (yet): opening it will fail anyway
    }
  }
}
