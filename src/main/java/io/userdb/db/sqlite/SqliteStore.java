package io.userdb.db.sqlite;

import io.userdb.audit.AuditFeed;
import io.userdb.db.ChangeTracker;
import io.userdb.db.DatabaseException;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.jdbc.Connections;
import io.userdb.files.NewPrivateFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A SQLite database file as a {@link UserStore}. The server creates the file (0600, in a 0700
 * folder) before SQLite touches it; the admin commands only open one that exists.
 */
final class SqliteStore implements UserStore {

  /**
   * One change tracker per file in this process, by its real path: every pool and CLI on it shares.
   */
  private static final ConcurrentHashMap<Path, ChangeTracker> TRACKERS = new ConcurrentHashMap<>();

  private final Path file;
  private final StoreSettings settings;
  private final ChangeTracker changes;
  private volatile AuditFeed auditFeed = AuditFeed.NONE;

  SqliteStore(Path file, StoreSettings settings) {
    this.file = file;
    this.settings = settings;
    if (settings.create()) {
      SqliteFiles.prepare(file);
    } else {
      SqliteFiles.requireDatabase(file);
    }
    this.changes =
        TRACKERS.computeIfAbsent(SqliteFiles.identity(file), path -> new ChangeTracker());
  }

  @Override
  public UserDatabase open() {
    Connection connection = SqliteConnections.open(file, settings.lockWait(), settings.maxBytes());
    try {
      return SqliteUserDatabase.on(connection, new FileIdentityGuard(file), changes, auditFeed);
    } catch (SQLException | RuntimeException e) {
      Connections.closeQuietly(connection);
      throw new DatabaseException(
          "cannot prepare statements on " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void feedAuditTo(AuditFeed feed) {
    auditFeed = feed;
  }

  @Override
  public ChangeTracker changes() {
    return changes;
  }

  @Override
  public void backupTo(Path target) {
    try {
      NewPrivateFile.write(target, this::vacuumInto);
    } catch (FileAlreadyExistsException e) {
      throw new DatabaseException(
          "backup to "
              + target
              + " refused: it exists already (as a file or a link); choose a new file",
          e);
    } catch (IOException e) {
      throw new DatabaseException("backup to " + target + " failed: " + e, e);
    }
  }

  /**
   * A connection of its own: VACUUM INTO refuses to run beside a pooled object's prepared
   * statements, which sqlite-jdbc leaves un-reset. It reads one snapshot: consistent while others
   * write.
   */
  private void vacuumInto(Path empty) {
    try (Connection own = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        PreparedStatement vacuum = own.prepareStatement("VACUUM INTO ?")) {
      vacuum.setString(1, empty.toAbsolutePath().toString());
      vacuum.execute();
    } catch (SQLException e) {
      throw new DatabaseException("backup failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Path> localFolder() {
    return Optional.of(file.toAbsolutePath().getParent());
  }

  @Override
  public String toString() {
    return "SQLite database " + file;
  }
}
