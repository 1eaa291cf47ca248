package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.joinRoles;
import static io.userdb.db.jdbc.UserRows.nameKey;
import static io.userdb.db.jdbc.UserRows.readUser;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
import io.userdb.db.DuplicateUserException;
import io.userdb.db.NewUser;
import io.userdb.db.ProfileChange;
import io.userdb.db.User;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creating, changing and deleting users on one connection: {@link io.userdb.db.UserDatabase}'s user
 * writes, each one transaction with its audit events (composed here from what changed, appended
 * last; none when the origin is null). Not thread-safe.
 */
final class JdbcUserWrites {

  /** Rows sent per executeBatch in a bulk insert. */
  private static final int BATCH = 1000;

  private final Statements sql;
  private final Transactions tx;
  private final Dialect dialect;
  private final LastAdminGuard lastAdmin;
  private final JdbcAudit audit;

  JdbcUserWrites(
      Statements sql, Transactions tx, Dialect dialect, LastAdminGuard lastAdmin, JdbcAudit audit) {
    this.sql = sql;
    this.tx = tx;
    this.dialect = dialect;
    this.lastAdmin = lastAdmin;
    this.audit = audit;
  }

  User create(NewUser user, Instant now, AuditOrigin origin) {
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
          User created = find(nameKey(user.username()));
          if (origin != null) {
            audit.append(
                event(AuditAction.USER_CREATED, origin, created)
                    .with("roles", sorted(created.roles())),
                now);
          }
          return created;
        });
  }

  int createAll(Iterable<NewUser> users, Instant now, AuditOrigin origin) {
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
          if (origin != null) {
            audit.append(
                AuditEvent.success(AuditAction.USER_IMPORTED, origin, null, null)
                    .with("count", count),
                now);
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

  Optional<User> updateProfile(
      String username, ProfileChange change, Instant now, AuditOrigin origin) {
    return tx.write(
        "update user",
        () -> {
          String key = nameKey(username);
          boolean guarded = change.touchesAccess() && lastAdmin.guards(key);
          User before = origin == null ? null : findOrNull(key);
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
          int ended = 0;
          if (Boolean.TRUE.equals(change.disabled())) {
            sql.deleteSessionsOfName.setString(1, key);
            ended = sql.deleteSessionsOfName.executeUpdate();
          }
          User after = find(key);
          if (before != null) {
            recordUpdate(before, after, change, origin, ended, now);
          }
          return Optional.of(after);
        });
  }

  /**
   * What an update did: the profile fields it changed (roles from and to), and a disable or an
   * enable as an event of its own, with the sessions a disable ended. An update that changed
   * nothing records nothing: any account may send its own profile back at request rate.
   */
  private void recordUpdate(
      User before, User after, ProfileChange change, AuditOrigin origin, int ended, Instant now)
      throws SQLException {
    List<String> changed = new ArrayList<>();
    if (!Objects.equals(before.displayName(), after.displayName())) {
      changed.add("displayName");
    }
    if (!Objects.equals(before.email(), after.email())) {
      changed.add("email");
    }
    boolean rolesChanged = !before.roles().equals(after.roles());
    if (rolesChanged) {
      changed.add("roles");
    }
    if (!changed.isEmpty()) {
      AuditEvent updated = event(AuditAction.USER_UPDATED, origin, after).with("changed", changed);
      if (rolesChanged) {
        updated =
            updated
                .with("roles_from", sorted(before.roles()))
                .with("roles_to", sorted(after.roles()));
      }
      audit.append(updated, now);
    }
    if (change.disabled() != null && before.disabled() != after.disabled()) {
      AuditEvent access =
          event(
              change.disabled() ? AuditAction.USER_DISABLED : AuditAction.USER_ENABLED,
              origin,
              after);
      audit.append(access, now);
      if (ended > 0) {
        audit.append(JdbcSessions.ended(access, "user_disabled", ended), now);
      }
    }
  }

  boolean changePassword(
      String username,
      String passwordHash,
      String keepSessionHash,
      Instant now,
      AuditOrigin origin) {
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
          int ended = sql.deleteOtherSessions.executeUpdate();
          if (origin != null) {
            User user = find(key);
            AuditEvent changed =
                event(AuditAction.USER_PASSWORD_CHANGED, origin, user)
                    .with("self", origin.isAccount(user.id()));
            audit.append(changed, now);
            if (ended > 0) {
              audit.append(JdbcSessions.ended(changed, "password_changed", ended), now);
            }
          }
          return true;
        });
  }

  void upgradePasswordHash(
      long userId, String oldHash, String newHash, Instant now, AuditEvent event) {
    tx.write(
        "upgrade password hash",
        () -> {
          sql.upgradeHash.setString(1, newHash);
          sql.upgradeHash.setLong(2, userId);
          sql.upgradeHash.setString(3, oldHash);
          int upgraded = sql.upgradeHash.executeUpdate();
          if (upgraded > 0) {
            audit.append(event, now);
          }
          return upgraded;
        });
  }

  boolean delete(String username, Instant now, AuditOrigin origin) {
    return tx.write(
        "delete user",
        () -> {
          String key = nameKey(username);
          boolean guarded = lastAdmin.guards(key);
          User user = origin == null ? null : findOrNull(key);
          int sessions = user == null ? 0 : countSessions(user.id());
          sql.deleteUser.setString(1, key);
          if (sql.deleteUser.executeUpdate() == 0) {
            return false;
          }
          if (guarded) {
            lastAdmin.requireOneLeft(username);
          }
          if (user != null) {
            AuditEvent deleted = event(AuditAction.USER_DELETED, origin, user);
            audit.append(deleted, now);
            if (sessions > 0) {
              audit.append(JdbcSessions.ended(deleted, "user_deleted", sessions), now);
            }
          }
          return true;
        });
  }

  private User find(String key) throws SQLException {
    User user = findOrNull(key);
    if (user == null) {
      throw new SQLException("user " + key + " vanished inside its own transaction");
    }
    return user;
  }

  private User findOrNull(String key) throws SQLException {
    sql.findUser.setString(1, key);
    try (ResultSet rs = sql.findUser.executeQuery()) {
      return rs.next() ? readUser(rs, 1, dialect) : null;
    }
  }

  private int countSessions(long userId) throws SQLException {
    sql.countSessionsOfUser.setLong(1, userId);
    try (ResultSet rs = sql.countSessionsOfUser.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static AuditEvent event(AuditAction action, AuditOrigin origin, User target) {
    return AuditEvent.success(action, origin, target.id(), target.username());
  }

  private static List<String> sorted(Set<String> roles) {
    return List.copyOf(new TreeSet<>(roles));
  }

  int copyIn(List<User> users, Instant now, AuditEvent event) {
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
          if (event != null) {
            audit.append(event.with("count", users.size()), now);
          }
          return users.size();
        });
  }
}
