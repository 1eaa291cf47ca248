package io.userdb.db.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Whether the file at a connection's path is still the one it has open, and writable by this
 * process. A database moved or deleted while open (its folder removed, a restore copied over it)
 * keeps working through the open descriptor, and writes to it would be lost at the next start; a
 * file made read-only keeps taking writes through descriptors opened before. So writes check every
 * time (a stat and an access, small next to a commit) and lending at most once a second.
 *
 * <p>Not thread-safe: one per connection.
 */
final class FileIdentityGuard {

  private static final long RECHECK_AFTER_NANOS = 1_000_000_000L;

  private final Path file;
  private final Path walFile;
  private final Path shmFile;

  /**
   * The identity of the file when the connection opened it: (device, inode), or a fixed stand-in
   * where the file system has no keys (then only the file's presence is checked); null if the file
   * was gone already.
   */
  private final Object fileKey;

  /** SQLite opens a write-protected file read-only, for good: such a connection never writes. */
  private final boolean writableAtOpen;

  private long checkedAt = System.nanoTime();

  FileIdentityGuard(Path file) {
    this.file = file;
    this.walFile = file.resolveSibling(file.getFileName() + "-wal");
    this.shmFile = file.resolveSibling(file.getFileName() + "-shm");
    this.fileKey = fileKeyAt(file);
    this.writableAtOpen = Files.isWritable(file);
  }

  Path file() {
    return file;
  }

  /** What is wrong with the file at the connection's path, or null. */
  String problem() {
    checkedAt = System.nanoTime();
    Object now = fileKeyAt(file);
    if (now == null || (fileKey != null && !fileKey.equals(now))) {
      return "was moved or deleted while open";
    }
    if (!writableAtOpen) {
      return "was read-only when this connection opened it";
    }
    // SQLite recreates -wal and -shm with the database file's mode: made while the file was
    // read-only, they stay so after the file itself is writable again.
    for (Path part : new Path[] {file, walFile, shmFile}) {
      if (!Files.isWritable(part) && (part == file || Files.exists(part))) {
        return "(" + part.getFileName() + ") is read-only";
      }
    }
    return null;
  }

  /** No problem, judged by a check within the last second or a new one. */
  boolean fineRecently() {
    if (!writableAtOpen) {
      return false;
    }
    return System.nanoTime() - checkedAt < RECHECK_AFTER_NANOS || problem() == null;
  }

  /** The file's identity, or null if there is no file at {@code path}. */
  private static Object fileKeyAt(Path path) {
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return key == null ? "no file keys here" : key;
    } catch (IOException e) {
      return null;
    }
  }
}
