package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.AFTER_NAME_CHARS;
import static io.userdb.db.jdbc.UserRows.joinRoles;
import static io.userdb.db.jdbc.UserRows.nameKey;
import static io.userdb.db.jdbc.UserRows.readUser;

import io.userdb.db.DuplicateUserException;
import io.userdb.db.LoginAttempt;
import io.userdb.db.NewUser;
import io.userdb.db.ProfileChange;
import io.userdb.db.SessionRecord;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserPage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * {@link UserDatabase} over one JDBC connection: the reads and writes, each one statement or one
 * transaction, in SQL every store takes. A store adds how it opens, validates and counts changes.
 * Not thread-safe: one borrower at a time (see the pool).
 */
public abstract class JdbcUserDatabase implements UserDatabase {

  /** Rows sent per executeBatch in a bulk insert. */
  private static final int BATCH = 1000;

  protected final Connection connection;
  protected final Transactions tx;
  private final Dialect dialect;
  private final Statements sql;
  private final LastAdminGuard lastAdmin;
  private final JdbcSessions sessions;
  private final JdbcLoginAttempts logins;

  /** Prepares every statement on {@code connection}; the caller closes it if this throws. */
  protected JdbcUserDatabase(Connection connection, Dialect dialect, Transactions tx)
      throws SQLException {
    this.connection = connection;
    this.tx = tx;
    this.dialect = dialect;
    this.sql = new Statements(connection, dialect);
    this.lastAdmin = new LastAdminGuard(connection, dialect);
    this.sessions = new JdbcSessions(sql, tx, dialect);
    this.logins = new JdbcLoginAttempts(sql, tx);
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public Optional<User> findUser(String username) {
    return tx.read(
        "find user",
        () -> {
          sql.findUser.setString(1, nameKey(username));
          try (ResultSet rs = sql.findUser.executeQuery()) {
            return rs.next() ? Optional.of(readUser(rs, 1, dialect)) : Optional.empty();
          }
        });
  }

  @Override
  public long countUsers() {
    return tx.read("count users", () -> singleLong(sql.countUsers));
  }

  @Override
  public boolean hasAdmin() {
    return tx.read(
        "look for an admin",
        () -> {
          try (ResultSet rs = sql.hasAdmin.executeQuery()) {
            return rs.next();
          }
        });
  }

  @Override
  public UserPage listUsers(String prefix, int offset, int limit) {
    String low = nameKey(prefix);
    String high = low + AFTER_NAME_CHARS;
    return tx.read(
        "list users",
        () -> {
          sql.countPrefix.setString(1, low);
          sql.countPrefix.setString(2, high);
          long total = singleLong(sql.countPrefix);
          sql.listPrefix.setString(1, low);
          sql.listPrefix.setString(2, high);
          sql.listPrefix.setInt(3, limit);
          sql.listPrefix.setInt(4, offset);
          List<User> users = new ArrayList<>();
          try (ResultSet rs = sql.listPrefix.executeQuery()) {
            while (rs.next()) {
              users.add(readUser(rs, 1, dialect));
            }
          }
          return new UserPage(total, users);
        });
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public User createUser(NewUser user, Instant now) {
    return tx.write(
        "create user",
        () -> {
          bindNewUser(user, now);
          try {
            sql.insertUser.executeUpdate();
          } catch (SQLException e) {
            if (tx.classifiesAsDuplicate(e)) {
              throw new DuplicateUserException(user.username());
            }
            throw e;
          }
          sql.findUser.setString(1, nameKey(user.username()));
          try (ResultSet rs = sql.findUser.executeQuery()) {
            rs.next();
            return readUser(rs, 1, dialect);
          }
        });
  }

  @Override
  public int createUsers(Iterable<NewUser> users, Instant now) {
    return tx.write(
        "create users",
        () -> {
          int count = 0;
          for (NewUser user : users) {
            bindNewUser(user, now);
            sql.insertUser.addBatch();
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
      sql.insertUser.executeBatch();
    } catch (SQLException e) {
      if (tx.classifiesAsDuplicate(e)) {
        throw new DuplicateUserException(last == null ? "in the batch" : "near " + last.username());
      }
      throw e;
    }
  }

  private void bindNewUser(NewUser user, Instant now) throws SQLException {
    sql.insertUser.setString(1, user.username());
    sql.insertUser.setString(2, nameKey(user.username()));
    sql.insertUser.setString(3, user.passwordHash());
    sql.insertUser.setString(4, user.displayName());
    sql.insertUser.setString(5, user.email());
    sql.insertUser.setString(6, joinRoles(user.roles()));
    sql.insertUser.setLong(7, now.toEpochMilli());
    sql.insertUser.setLong(8, now.toEpochMilli());
  }

  @Override
  public Optional<User> updateProfile(String username, ProfileChange change, Instant now) {
    return tx.write(
        "update user",
        () -> {
          String key = nameKey(username);
          boolean guarded = change.touchesAccess() && lastAdmin.guards(key);
          sql.updateProfile.setString(1, change.displayName());
          sql.updateProfile.setString(2, change.email());
          sql.updateProfile.setString(3, change.roles() == null ? null : joinRoles(change.roles()));
          if (change.disabled() == null) {
            sql.updateProfile.setNull(4, java.sql.Types.INTEGER);
          } else {
            sql.updateProfile.setInt(4, change.disabled() ? 1 : 0);
          }
          sql.updateProfile.setLong(5, now.toEpochMilli());
          sql.updateProfile.setString(6, key);
          if (sql.updateProfile.executeUpdate() == 0) {
            return Optional.empty();
          }
          if (guarded) {
            lastAdmin.requireOneLeft(username);
          }
          if (Boolean.TRUE.equals(change.disabled())) {
            sql.deleteSessionsOfName.setString(1, key);
            sql.deleteSessionsOfName.executeUpdate();
          }
          sql.findUser.setString(1, key);
          try (ResultSet rs = sql.findUser.executeQuery()) {
            rs.next();
            return Optional.of(readUser(rs, 1, dialect));
          }
        });
  }

  @Override
  public boolean changePassword(
      String username, String passwordHash, String keepSessionHash, Instant now) {
    return tx.write(
        "change password",
        () -> {
          String key = nameKey(username);
          sql.updatePassword.setString(1, passwordHash);
          sql.updatePassword.setLong(2, now.toEpochMilli());
          sql.updatePassword.setString(3, key);
          if (sql.updatePassword.executeUpdate() == 0) {
            return false;
          }
          sql.deleteOtherSessions.setString(1, key);
          sql.deleteOtherSessions.setString(2, keepSessionHash == null ? "" : keepSessionHash);
          sql.deleteOtherSessions.executeUpdate();
          return true;
        });
  }

  @Override
  public void upgradePasswordHash(long userId, String oldHash, String newHash) {
    tx.write(
        "upgrade password hash",
        () -> {
          sql.upgradeHash.setString(1, newHash);
          sql.upgradeHash.setLong(2, userId);
          sql.upgradeHash.setString(3, oldHash);
          return sql.upgradeHash.executeUpdate();
        });
  }

  @Override
  public boolean deleteUser(String username) {
    return tx.write(
        "delete user",
        () -> {
          String key = nameKey(username);
          boolean guarded = lastAdmin.guards(key);
          sql.deleteUser.setString(1, key);
          if (sql.deleteUser.executeUpdate() == 0) {
            return false;
          }
          if (guarded) {
            lastAdmin.requireOneLeft(username);
          }
          return true;
        });
  }

  // ---- sessions and sign-in attempts: see JdbcSessions and JdbcLoginAttempts ---------------

  @Override
  public Optional<SessionRecord> findSession(String tokenHash, Instant now, Instant idleSince) {
    return sessions.find(tokenHash, now, idleSince);
  }

  @Override
  public void createSession(
      String tokenHash, long userId, Instant now, Instant expiresAt, int keepAtMost) {
    sessions.create(tokenHash, userId, now, expiresAt, keepAtMost);
  }

  @Override
  public void touchSession(String tokenHash, Instant now) {
    sessions.touch(tokenHash, now);
  }

  @Override
  public boolean deleteSession(String tokenHash) {
    return sessions.delete(tokenHash);
  }

  @Override
  public int deleteExpiredSessions(Instant now, Instant idleSince) {
    return sessions.deleteExpired(now, idleSince);
  }

  @Override
  public LoginAttempt reserveLoginAttempt(long userId, Instant now, IntFunction<Instant> lockFor) {
    return logins.reserve(userId, now, lockFor);
  }

  @Override
  public void recordLoginSuccess(long userId) {
    logins.succeeded(userId);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  @Override
  public boolean isBroken() {
    return tx.isBroken();
  }

  /** A round trip: {@code SELECT 1}. */
  @Override
  public boolean isUsable() {
    if (tx.isBroken()) {
      return false;
    }
    try (ResultSet rs = sql.ping.executeQuery()) {
      return rs.next();
    } catch (SQLException e) {
      tx.markBroken();
      return false;
    }
  }

  /** Not known broken and not closed: no I/O. */
  @Override
  public boolean looksUsable() {
    try {
      return !tx.isBroken() && !connection.isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing a connection that failed: nothing left to release.
    }
  }

  /** For tests that need a connection to die underneath its owner. */
  public Connection connection() {
    return connection;
  }

  private static long singleLong(PreparedStatement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
