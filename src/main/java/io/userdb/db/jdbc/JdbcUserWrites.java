package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.joinRoles;
import static io.userdb.db.jdbc.UserRows.nameKey;
import static io.userdb.db.jdbc.UserRows.readUser;

import io.userdb.db.DuplicateUserException;
import io.userdb.db.NewUser;
import io.userdb.db.ProfileChange;
import io.userdb.db.User;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Creating, changing and deleting users on one connection: {@link io.userdb.db.UserDatabase}'s user
 * writes, each one transaction. Not thread-safe.
 */
final class JdbcUserWrites {

  /** Rows sent per executeBatch in a bulk insert. */
  private static final int BATCH = 1000;

  private final Statements sql;
  private final Transactions tx;
  private final Dialect dialect;
  private final LastAdminGuard lastAdmin;

  JdbcUserWrites(Statements sql, Transactions tx, Dialect dialect, LastAdminGuard lastAdmin) {
    this.sql = sql;
    this.tx = tx;
    this.dialect = dialect;
    this.lastAdmin = lastAdmin;
  }

  User create(NewUser user, Instant now) {
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

  int createAll(Iterable<NewUser> users, Instant now) {
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

  Optional<User> updateProfile(String username, ProfileChange change, Instant now) {
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

  boolean changePassword(
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

  void upgradePasswordHash(long userId, String oldHash, String newHash) {
    tx.write(
        "upgrade password hash",
        () -> {
          sql.upgradeHash.setString(1, newHash);
          sql.upgradeHash.setLong(2, userId);
          sql.upgradeHash.setString(3, oldHash);
          return sql.upgradeHash.executeUpdate();
        });
  }

  boolean delete(String username) {
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

  int copyIn(List<User> users) {
    return tx.write(
        "copy users in",
        () -> {
          PreparedStatement insert = sql.copyInUser;
          for (User user : users) {
            insert.setString(1, user.username());
            insert.setString(2, nameKey(user.username()));
            insert.setString(3, user.passwordHash());
            insert.setString(4, user.displayName());
            insert.setString(5, user.email());
            insert.setString(6, joinRoles(user.roles()));
            insert.setInt(7, user.disabled() ? 1 : 0);
            insert.setLong(8, user.createdAt().toEpochMilli());
            insert.setLong(9, user.updatedAt().toEpochMilli());
            insert.setInt(10, user.failedLogins());
            insert.setLong(11, user.lockedUntil().toEpochMilli());
            insert.addBatch();
          }
          insert.executeBatch();
          return users.size();
        });
  }
}
