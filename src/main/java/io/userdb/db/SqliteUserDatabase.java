package io.userdb.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteOpenMode;

/**
 * {@link UserDatabase} over one sqlite-jdbc connection, with every statement prepared once when
 * the object is opened. Not thread-safe: one borrower at a time (see {@link UserDatabasePool}).
 */
public final class SqliteUserDatabase implements UserDatabase, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SqliteUserDatabase.class.getName());

  private static final String USER_COLUMNS =
      "u.id, u.username, u.password_hash, u.display_name, u.email, u.roles, u.disabled,"
          + " u.created_at, u.updated_at, u.failed_logins, u.locked_until";
  /** Above every character a (lower-cased) username may hold: the upper bound of a prefix. */
  private static final char AFTER_NAME_CHARS = '\u007f';
  /** Rows sent to SQLite per executeBatch in a bulk insert. */
  private static final int BATCH = 1000;

  private final Path file;
  /** Shared by every object on this file: versions from any two of them compare. */
  private final ChangeTracker changes;
  private final Connection connection;
  private final PreparedStatement ping;
  private final PreparedStatement dataVersion;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final PreparedStatement findUser;
  private final PreparedStatement countUsers;
  private final PreparedStatement hasAdmin;
  private final PreparedStatement countPrefix;
  private final PreparedStatement listPrefix;
  private final PreparedStatement insertUser;
  private final PreparedStatement updateProfile;
  private final PreparedStatement deleteSessionsOfName;
  private final PreparedStatement updatePassword;
  private final PreparedStatement deleteOtherSessions;
  private final PreparedStatement upgradeHash;
  private final PreparedStatement deleteUser;
  private final PreparedStatement reserveAttempt;
  private final PreparedStatement setLock;
  private final PreparedStatement lockOf;
  private final PreparedStatement loginSuccess;
  private final PreparedStatement insertSession;
  private final PreparedStatement findSession;
  private final PreparedStatement touchSession;
  private final PreparedStatement capSessions;
  private final PreparedStatement deleteSession;
  private final PreparedStatement deleteExpiredSessions;
  private final LastAdminGuard lastAdmin;
  private boolean broken;
  /** SQLite's data_version as this connection last saw it; none seen yet at first. */
  private long lastDataVersion;
  private boolean dataVersionSeen;
  /**
   * The identity of the file this connection opened: (device, inode), or a fixed stand-in
   * where the file system has no keys (then only the file's presence is checked); null if the
   * file was gone already when the object was built.
   */
  private final Object fileKey;
  /** SQLite opens a write-protected file read-only, for good: such an object never writes. */
  private final boolean writableAtOpen;
  private final Path walFile;
  private final Path shmFile;
  private long fileCheckedAt = System.nanoTime();
  /** The thread that borrowed this object last, for the abandoned-object report. */
  private volatile Thread borrower;

  /**
   * Opens the database file (which must exist, with the permissions it should keep), applies the
   * connection pragmas, migrates the schema and prepares every statement.
   */
  public static SqliteUserDatabase open(Path file, Duration busyTimeout) {
    return open(file, busyTimeout, 0);
  }

  /**
   * As {@link #open(Path, Duration)}, with a quota: {@code maxBytes} (0 for none) becomes
   * SQLite's max_page_count, so a write that would grow the file past it fails with SQLITE_FULL
   * and rolls back, as on a full disk.
   */
  public static SqliteUserDatabase open(Path file, Duration busyTimeout, long maxBytes) {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    while (true) {
      try {
        return openOnce(file, busyTimeout, maxBytes);
      } catch (SQLException e) {
        boolean busy = primaryCode(e) == SQLiteErrorCode.SQLITE_BUSY.code;
        if (!busy || System.nanoTime() - deadline > 0) {
          throw new DatabaseException("cannot open database " + file + ": " + e.getMessage(), e);
        }
        // Connections turning a new file to WAL at the same moment: one of them is told busy at
        // once, without SQLite's busy handler (ConcurrentOpenTest: 1 open in 60-130 failed so).
        pauseBeforeRetry();
      }
    }
  }

  private static SqliteUserDatabase openOnce(Path file, Duration busyTimeout, long maxBytes)
      throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout((int) busyTimeout.toMillis());
    config.enforceForeignKeys(true);
    // DatabaseFiles created the file (0600) at start. Should it vanish while serving, a new
    // connection must fail loudly rather than create an empty user database in its place.
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    Connection connection = null;
    try {
      connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      Schema.migrate(connection);
      if (maxBytes > 0) {
        limitSize(connection, maxBytes);
      }
      return new SqliteUserDatabase(file, connection);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException("interrupted while opening the database", e);
    }
  }

  private SqliteUserDatabase(Path file, Connection connection) throws SQLException {
    this.file = file;
    this.changes = ChangeTracker.forFile(file);
    this.connection = connection;
    this.fileKey = fileKeyAt(file);
    this.writableAtOpen = Files.isWritable(file);
    this.walFile = file.resolveSibling(file.getFileName() + "-wal");
    this.shmFile = file.resolveSibling(file.getFileName() + "-shm");
    ping = prepare("SELECT 1");
    dataVersion = prepare("PRAGMA data_version");
    begin = prepare("BEGIN IMMEDIATE");
    commit = prepare("COMMIT");
    rollback = prepare("ROLLBACK");
    findUser = prepare("SELECT " + USER_COLUMNS + " FROM users u WHERE u.name_key = ?");
    countUsers = prepare("SELECT COUNT(*) FROM users");
    hasAdmin = prepare("SELECT 1 FROM users WHERE ',' || roles || ',' LIKE '%,admin,%' LIMIT 1");
    countPrefix = prepare("SELECT COUNT(*) FROM users WHERE name_key >= ? AND name_key < ?");
    listPrefix =
        prepare(
            "SELECT " + USER_COLUMNS + " FROM users u WHERE u.name_key >= ? AND u.name_key < ?"
                + " ORDER BY u.name_key LIMIT ? OFFSET ?");
    insertUser =
        prepare(
            "INSERT INTO users (username, name_key, password_hash, display_name, email, roles,"
                + " disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)");
    updateProfile =
        prepare(
            "UPDATE users SET display_name = COALESCE(?, display_name), email = COALESCE(?, email),"
                + " roles = COALESCE(?, roles), disabled = COALESCE(?, disabled), updated_at = ?"
                + " WHERE name_key = ?");
    deleteSessionsOfName =
        prepare("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name_key = ?)");
    updatePassword =
        prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE name_key = ?");
    deleteOtherSessions =
        prepare(
            "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name_key = ?)"
                + " AND token_hash <> ?");
    upgradeHash = prepare("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?");
    deleteUser = prepare("DELETE FROM users WHERE name_key = ?");
    reserveAttempt =
        prepare(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? AND locked_until <= ?"
                + " RETURNING failed_logins");
    setLock = prepare("UPDATE users SET locked_until = ? WHERE id = ?");
    lockOf = prepare("SELECT locked_until FROM users WHERE id = ?");
    loginSuccess = prepare("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?");
    insertSession =
        prepare(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)");
    findSession =
        prepare(
            "SELECT s.token_hash, s.last_seen_at, s.expires_at, " + USER_COLUMNS
                + " FROM sessions s JOIN users u ON u.id = s.user_id"
                + " WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ?");
    touchSession = prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?");
    capSessions =
        prepare(
            "DELETE FROM sessions WHERE user_id = ? AND token_hash NOT IN (SELECT token_hash FROM sessions"
                + " WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)");
    deleteSession = prepare("DELETE FROM sessions WHERE token_hash = ?");
    deleteExpiredSessions =
        prepare("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?");
    lastAdmin = new LastAdminGuard(connection);
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  static String nameKey(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public Optional<User> findUser(String username) {
    return read(
        "find user",
        () -> {
          findUser.setString(1, nameKey(username));
          try (ResultSet rs = findUser.executeQuery()) {
            return rs.next() ? Optional.of(readUser(rs, 1)) : Optional.empty();
          }
        });
  }

  @Override
  public long countUsers() {
    return read("count users", () -> singleLong(countUsers));
  }

  @Override
  public boolean hasAdmin() {
    return read(
        "look for an admin",
        () -> {
          try (ResultSet rs = hasAdmin.executeQuery()) {
            return rs.next();
          }
        });
  }

  @Override
  public UserPage listUsers(String prefix, int offset, int limit) {
    String low = nameKey(prefix);
    String high = low + AFTER_NAME_CHARS;
    return read(
        "list users",
        () -> {
          countPrefix.setString(1, low);
          countPrefix.setString(2, high);
          long total = singleLong(countPrefix);
          listPrefix.setString(1, low);
          listPrefix.setString(2, high);
          listPrefix.setInt(3, limit);
          listPrefix.setInt(4, offset);
          List<User> users = new ArrayList<>();
          try (ResultSet rs = listPrefix.executeQuery()) {
            while (rs.next()) {
              users.add(readUser(rs, 1));
            }
          }
          return new UserPage(total, users);
        });
  }

  @Override
  public Optional<SessionRecord> findSession(String tokenHash, Instant now, Instant idleSince) {
    return read(
        "find session",
        () -> {
          findSession.setString(1, tokenHash);
          findSession.setLong(2, now.toEpochMilli());
          findSession.setLong(3, idleSince.toEpochMilli());
          try (ResultSet rs = findSession.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            return Optional.of(
                new SessionRecord(
                    text(rs, 1),
                    readUser(rs, 4),
                    Instant.ofEpochMilli(rs.getLong(2)),
                    Instant.ofEpochMilli(rs.getLong(3))));
          }
        });
  }

  /**
   * SQLite's data_version changes for a connection when any other connection, in this process
   * or another, committed since it last asked; this connection's own commits are counted in
   * {@link #write}.
   */
  @Override
  public long dataVersion() {
    long started = System.nanoTime();
    long version =
        read(
            "check for changes",
            () -> {
              long seen = singleLong(dataVersion);
              if (!dataVersionSeen || seen != lastDataVersion) {
                lastDataVersion = seen;
                dataVersionSeen = true;
                return changes.changed();
              }
              return changes.version();
            });
    changes.looked(started);
    return version;
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public User createUser(NewUser user, Instant now) {
    return write(
        "create user",
        () -> {
          bindNewUser(user, now);
          try {
            insertUser.executeUpdate();
          } catch (SQLException e) {
            if (primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code) {
              throw new DuplicateUserException(user.username());
            }
            throw e;
          }
          findUser.setString(1, nameKey(user.username()));
          try (ResultSet rs = findUser.executeQuery()) {
            rs.next();
            return readUser(rs, 1);
          }
        });
  }

  @Override
  public int createUsers(Iterable<NewUser> users, Instant now) {
    return write(
        "create users",
        () -> {
          int count = 0;
          for (NewUser user : users) {
            bindNewUser(user, now);
            insertUser.addBatch();
            if (++count % BATCH == 0) {
              executeInsertBatch(user);
            }
          }
          if (count % BATCH != 0) {
            executeInsertBatch(null);
          }
          return count;
        });
  }

  private void executeInsertBatch(NewUser last) throws SQLException {
    try {
      insertUser.executeBatch();
    } catch (SQLException e) {
      if (primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code) {
        throw new DuplicateUserException(last == null ? "in the batch" : "near " + last.username());
      }
      throw e;
    }
  }

  private void bindNewUser(NewUser user, Instant now) throws SQLException {
    insertUser.setString(1, user.username());
    insertUser.setString(2, nameKey(user.username()));
    insertUser.setString(3, user.passwordHash());
    insertUser.setString(4, user.displayName());
    insertUser.setString(5, user.email());
    insertUser.setString(6, joinRoles(user.roles()));
    insertUser.setLong(7, now.toEpochMilli());
    insertUser.setLong(8, now.toEpochMilli());
  }

  @Override
  public Optional<User> updateProfile(String username, ProfileChange change, Instant now) {
    return write(
        "update user",
        () -> {
          String key = nameKey(username);
          boolean guarded = change.touchesAccess() && lastAdmin.guards(key);
          updateProfile.setString(1, change.displayName());
          updateProfile.setString(2, change.email());
          updateProfile.setString(3, change.roles() == null ? null : joinRoles(change.roles()));
          if (change.disabled() == null) {
            updateProfile.setNull(4, java.sql.Types.INTEGER);
          } else {
            updateProfile.setInt(4, change.disabled() ? 1 : 0);
          }
          updateProfile.setLong(5, now.toEpochMilli());
          updateProfile.setString(6, key);
          if (updateProfile.executeUpdate() == 0) {
            return Optional.empty();
          }
          if (guarded) {
            lastAdmin.requireOneLeft(username);
          }
          if (Boolean.TRUE.equals(change.disabled())) {
            deleteSessionsOfName.setString(1, key);
            deleteSessionsOfName.executeUpdate();
          }
          findUser.setString(1, key);
          try (ResultSet rs = findUser.executeQuery()) {
            rs.next();
            return Optional.of(readUser(rs, 1));
          }
        });
  }

  @Override
  public boolean changePassword(
      String username, String passwordHash, String keepSessionHash, Instant now) {
    return write(
        "change password",
        () -> {
          String key = nameKey(username);
          updatePassword.setString(1, passwordHash);
          updatePassword.setLong(2, now.toEpochMilli());
          updatePassword.setString(3, key);
          if (updatePassword.executeUpdate() == 0) {
            return false;
          }
          deleteOtherSessions.setString(1, key);
          deleteOtherSessions.setString(2, keepSessionHash == null ? "" : keepSessionHash);
          deleteOtherSessions.executeUpdate();
          return true;
        });
  }

  @Override
  public void upgradePasswordHash(long userId, String oldHash, String newHash) {
    write(
        "upgrade password hash",
        () -> {
          upgradeHash.setString(1, newHash);
          upgradeHash.setLong(2, userId);
          upgradeHash.setString(3, oldHash);
          return upgradeHash.executeUpdate();
        });
  }

  @Override
  public boolean deleteUser(String username) {
    return write(
        "delete user",
        () -> {
          String key = nameKey(username);
          boolean guarded = lastAdmin.guards(key);
          deleteUser.setString(1, key);
          if (deleteUser.executeUpdate() == 0) {
            return false;
          }
          if (guarded) {
            lastAdmin.requireOneLeft(username);
          }
          return true;
        });
  }

  @Override
  public LoginAttempt reserveLoginAttempt(long userId, Instant now, IntFunction<Instant> lockFor) {
    return write(
        "reserve login attempt",
        () -> {
          reserveAttempt.setLong(1, userId);
          reserveAttempt.setLong(2, now.toEpochMilli());
          int failures;
          try (ResultSet rs = reserveAttempt.executeQuery()) {
            if (!rs.next()) {
              return LoginAttempt.refused(currentLock(userId));
            }
            failures = rs.getInt(1);
          }
          Instant lock = lockFor.apply(failures);
          if (lock.isAfter(now)) {
            setLock.setLong(1, lock.toEpochMilli());
            setLock.setLong(2, userId);
            setLock.executeUpdate();
          }
          return new LoginAttempt(true, failures, lock);
        });
  }

  private Instant currentLock(long userId) throws SQLException {
    lockOf.setLong(1, userId);
    try (ResultSet rs = lockOf.executeQuery()) {
      return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : Instant.EPOCH;
    }
  }

  @Override
  public void recordLoginSuccess(long userId) {
    write(
        "record login success",
        () -> {
          loginSuccess.setLong(1, userId);
          return loginSuccess.executeUpdate();
        });
  }

  @Override
  public void createSession(String tokenHash, long userId, Instant now, Instant expiresAt, int keepAtMost) {
    write(
        "create session",
        () -> {
          insertSession.setString(1, tokenHash);
          insertSession.setLong(2, userId);
          insertSession.setLong(3, now.toEpochMilli());
          insertSession.setLong(4, now.toEpochMilli());
          insertSession.setLong(5, expiresAt.toEpochMilli());
          insertSession.executeUpdate();
          capSessions.setLong(1, userId);
          capSessions.setLong(2, userId);
          capSessions.setInt(3, keepAtMost);
          return capSessions.executeUpdate();
        });
  }

  @Override
  public void touchSession(String tokenHash, Instant now) {
    write(
        "touch session",
        () -> {
          touchSession.setLong(1, now.toEpochMilli());
          touchSession.setString(2, tokenHash);
          return touchSession.executeUpdate();
        });
  }

  @Override
  public boolean deleteSession(String tokenHash) {
    return write(
        "delete session",
        () -> {
          deleteSession.setString(1, tokenHash);
          return deleteSession.executeUpdate() > 0;
        });
  }

  @Override
  public int deleteExpiredSessions(Instant now, Instant idleSince) {
    return write(
        "delete expired sessions",
        () -> {
          deleteExpiredSessions.setLong(1, now.toEpochMilli());
          deleteExpiredSessions.setLong(2, idleSince.toEpochMilli());
          return deleteExpiredSessions.executeUpdate();
        });
  }

  @Override
  public void backupTo(Path target) {
    try {
      NewPrivateFile.write(target, this::vacuumInto);
    } catch (FileAlreadyExistsException e) {
      throw new DatabaseException(
          "backup to " + target + " refused: it exists already (as a file or a link); choose a new file", e);
    } catch (IOException e) {
      throw new DatabaseException("backup to " + target + " failed: " + e, e);
    }
  }

  private void vacuumInto(Path empty) {
    // A connection of its own: VACUUM INTO refuses to run beside this object's prepared
    // statements, which sqlite-jdbc leaves un-reset. It reads one snapshot: consistent while
    // others write.
    try (Connection own = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        PreparedStatement vacuum = own.prepareStatement("VACUUM INTO ?")) {
      vacuum.setString(1, empty.toAbsolutePath().toString());
      vacuum.execute();
    } catch (SQLException e) {
      throw new DatabaseException("backup failed: " + e.getMessage(), e);
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  @Override
  public boolean isBroken() {
    return broken;
  }

  @Override
  public boolean isUsable() {
    if (broken || !fileUsable()) {
      broken = true;
      return false;
    }
    try (ResultSet rs = ping.executeQuery()) {
      return rs.next();
    } catch (SQLException e) {
      broken = true;
      return false;
    }
  }

  /**
   * Whether the file at this object's path is still the one its connection has open, and
   * writable by this process. A database moved or deleted while open (its folder removed, a
   * restore copied over it) keeps working through the open descriptor, and writes to it would
   * be lost at the next start; a file made read-only keeps taking writes through descriptors
   * opened before. So writes check every time (a stat and an access, ~2 us next to a commit)
   * and lending at most once a second.
   */
  boolean fileUsable() {
    return fileProblem() == null;
  }

  /** {@link #fileUsable()}, if it was not checked within the last second. */
  boolean fileUsableRecently() {
    if (!writableAtOpen) {
      return false;
    }
    return System.nanoTime() - fileCheckedAt < FILE_CHECK_INTERVAL_NANOS || fileUsable();
  }

  /** What is wrong with the file at this object's path, or null. */
  private String fileProblem() {
    fileCheckedAt = System.nanoTime();
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

  private static final long FILE_CHECK_INTERVAL_NANOS = 1_000_000_000L;

  /** The file's identity, or null if there is no file at {@code path}. */
  private static Object fileKeyAt(Path path) {
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return key == null ? "no file keys here" : key;
    } catch (IOException e) {
      return null;
    }
  }

  /** A field check, no I/O: not known broken and not closed. */
  boolean isOpen() {
    try {
      return !broken && !connection.isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  void lentTo(Thread thread) {
    borrower = thread;
  }

  Thread borrower() {
    return borrower;
  }

  /** Closes the connection; SQLite checkpoints the WAL when the last connection closes. */
  @Override
  public void close() {
    closeQuietly(connection);
  }

  /** For tests that need a connection to die underneath its owner. */
  Connection connection() {
    return connection;
  }

  // ---- helpers -----------------------------------------------------------------------------

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> T read(String what, SqlWork<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in a BEGIN IMMEDIATE transaction: writers queue for the lock up front. */
  private <T> T write(String what, SqlWork<T> work) {
    String problem = fileProblem();
    if (problem != null) {
      broken = true;
      throw new DatabaseException("database file " + file + " " + problem + ": not written");
    }
    try {
      begin.execute();
    } catch (SQLException e) {
      throw failure(what, e);
    }
    try {
      T result = work.run();
      commit.execute();
      changes.changed();
      return result;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure(what, e);
    } catch (RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
  }

  private void rollbackQuietly() {
    try {
      rollback.execute();
    } catch (SQLException e) {
      // The transaction may already be gone (SQLite rolls back on some errors by itself);
      // if the connection itself is in trouble, the next use finds out.
      LOG.log(Level.FINE, "rollback failed", e);
    }
  }

  /**
   * Wraps a SQL failure. Busy and locked mean "try later" and leave the connection fit for
   * reuse; anything else (I/O, corruption, a closed connection) marks this object broken so
   * the pool destroys it instead of lending it again.
   */
  private DatabaseException failure(String what, SQLException e) {
    int code = primaryCode(e);
    boolean transientBusy =
        code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code;
    if (code == SQLiteErrorCode.SQLITE_FULL.code) {
      // The write rolled back whole and reads go on, but sqlite-jdbc leaves the statement that
      // failed unusable ("statement is not executing"): this object is replaced all the same.
      broken = true;
      return new DatabaseFullException("database failed to " + what + ": " + e.getMessage(), e);
    }
    if (!transientBusy) {
      broken = true;
    }
    return new DatabaseException(
        "database failed to " + what + (transientBusy ? " (busy)" : "") + ": " + e.getMessage(),
        e);
  }

  private static void limitSize(Connection connection, long maxBytes) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_size")) {
      rs.next();
      long pages = Math.max(1, maxBytes / rs.getLong(1));
      s.execute("PRAGMA max_page_count = " + pages);
    }
  }

  private static int primaryCode(SQLException e) {
    return e.getErrorCode() & 0xff;
  }

  private static long singleLong(PreparedStatement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static User readUser(ResultSet rs, int first) throws SQLException {
    return new User(
        rs.getLong(first),
        text(rs, first + 1),
        text(rs, first + 2),
        text(rs, first + 3),
        text(rs, first + 4),
        splitRoles(text(rs, first + 5)),
        rs.getInt(first + 6) != 0,
        Instant.ofEpochMilli(rs.getLong(first + 7)),
        Instant.ofEpochMilli(rs.getLong(first + 8)),
        rs.getInt(first + 9),
        Instant.ofEpochMilli(rs.getLong(first + 10)));
  }

  /**
   * A TEXT column, read as its UTF-8 bytes. sqlite-jdbc's getString wraps every value in a new
   * direct ByteBuffer through JNI, about 0.3 us each: half of what reading a 100-row listing cost
   * (bench/profile.sh list). The bytes come back in one plain array.
   */
  private static String text(ResultSet rs, int column) throws SQLException {
    byte[] utf8 = rs.getBytes(column);
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  static String joinRoles(Set<String> roles) {
    return String.join(",", new TreeSet<>(roles));
  }

  static Set<String> splitRoles(String roles) {
    if (roles.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(Arrays.asList(roles.split(",")));
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.log(Level.FINE, "closing a connection failed", e);
    }
  }
}
