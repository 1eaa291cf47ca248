package io.userdb.files;

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
 * Files and folders private to their owner from the moment they exist (0600 and 0700), for
 * everything userdb keeps on disk that holds a secret: the database, its backups, the AJP secret.
 * On a filesystem without POSIX permissions this is said once in the log.
 */
public final class PrivateFiles {

  private static final Logger LOG = Logger.getLogger(PrivateFiles.class.getName());
  static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final AtomicBoolean NON_POSIX_REPORTED = new AtomicBoolean();

  private PrivateFiles() {}

  /** Creates {@code file} readable and writable by its owner only, unless it exists already. */
  public static void createFile(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    try {
      Files.createFile(file, ownerOnly(file.toAbsolutePath().getParent(), OWNER_FILE));
    } catch (FileAlreadyExistsException e) {
      // Another process created it first; it did so with the same permissions.
    }
  }

  /**
   * Makes an existing {@code file} readable and writable by its owner only, where the filesystem
   * has POSIX permissions, saying so when others could read it.
   */
  public static void makeOwnerOnly(Path file) throws IOException {
    if (!isPosix(file.toAbsolutePath().getParent())) {
      return;
    }
    Set<PosixFilePermission> now =
        Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (!now.equals(OWNER_FILE)) {
      Files.setPosixFilePermissions(file, OWNER_FILE);
      LOG.warning(file + " was " + PosixFilePermissions.toString(now) + "; made rw-------");
    }
  }

  /** Creates {@code folder} and its missing parents 0700; existing ones are left as they are. */
  public static void createFolders(Path folder) throws IOException {
    Path absolute = folder.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    createFolders(absolute.getParent());
    try {
      Files.createDirectory(absolute, ownerOnly(absolute.getParent(), OWNER_FOLDER));
    } catch (FileAlreadyExistsException e) {
      // Created concurrently; fine.
    }
  }

  /**
   * The attribute that makes a new file in {@code folder} private, where the filesystem has one.
   */
  static FileAttribute<?>[] ownerOnly(Path folder, Set<PosixFilePermission> permissions)
      throws IOException {
    return isPosix(folder)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }

  private static boolean isPosix(Path existingFolder) throws IOException {
    boolean posix = Files.getFileStore(existingFolder).supportsFileAttributeView("posix");
    if (!posix && NON_POSIX_REPORTED.compareAndSet(false, true)) {
      LOG.warning(
          "the filesystem of "
              + existingFolder
              + " has no POSIX permissions: protect the data"
              + " folder with the platform's own access controls");
    }
    return posix;
  }
}
