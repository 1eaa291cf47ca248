package io.userdb.db;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Creates the database file and its folder private to their owner before SQLite touches them:
 * SQLite gives the -wal and -shm files the main file's permissions, so 0600 here keeps all
 * three private. On a filesystem without POSIX permissions this is said once in the log.
 */
public final class DatabaseFiles {

  private static final Logger LOG = Logger.getLogger(DatabaseFiles.class.getName());
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_FOLDER = PosixFilePermissions.fromString("rwx------");
  private static final AtomicBoolean NON_POSIX_REPORTED = new AtomicBoolean();

  private DatabaseFiles() {}

  /**
   * Makes sure {@code file} exists, creating missing folders 0700 and the file 0600.
   *
   * @throws IllegalStateException with a message naming the path if it cannot be done
   */
  public static void prepare(Path file) {
    Path absolute = file.toAbsolutePath();
    Path folder = absolute.getParent();
    try {
      createFolders(folder);
      if (!Files.isWritable(folder)) {
        throw new IllegalStateException("database folder " + folder + " is not writable");
      }
      createPrivateFile(absolute);
      if (!Files.isWritable(absolute)) {
        throw new IllegalStateException("database file " + absolute + " is not writable");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create database " + absolute + ": " + e, e);
    }
  }

  /** Creates {@code file} readable and writable by its owner only, unless it exists already. */
  public static void createPrivateFile(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    try {
      if (isPosix(file.getParent())) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      // Another process created it first; it did so with the same permissions.
    }
  }

  private static void createFolders(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    createFolders(folder.getParent());
    FileAttribute<?>[] attributes =
        isPosix(folder.getParent())
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FOLDER)}
            : new FileAttribute<?>[0];
    try {
      Files.createDirectory(folder, attributes);
    } catch (FileAlreadyExistsException e) {
      // Created concurrently; fine.
    }
  }

  static boolean isPosix(Path existingFolder) throws IOException {
    boolean posix =
        Files.getFileStore(existingFolder).supportsFileAttributeView("posix");
    if (!posix && NON_POSIX_REPORTED.compareAndSet(false, true)) {
      LOG.warning(
          "the filesystem of "
              + existingFolder
              + " has no POSIX permissions: protect the database folder with the platform's own"
              + " access controls");
    }
    return posix;
  }
}
