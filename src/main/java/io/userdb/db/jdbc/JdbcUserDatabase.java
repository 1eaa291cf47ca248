package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.AFTER_NAME_CHARS;
import static io.userdb.db.jdbc.UserRows.nameKey;
import static io.userdb.db.jdbc.UserRows.readUser;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditFeed;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditOrigin;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
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

  protected final Connection connection;
  protected final Transactions tx;
  private final Dialect dialect;
  private final Statements sql;
  private final JdbcUserWrites writes;
  private final JdbcSessions sessions;
  private final JdbcLoginAttempts logins;
  private final JdbcAudit audit;

  /**
   * Prepares every statement on {@code connection}; the caller closes it if this throws.
   *
   * @param feed where audit records go once committed
   */
  protected JdbcUserDatabase(
      Connection connection, Dialect dialect, Transactions tx, AuditFeed feed) throws SQLException {
    this.connection = connection;
    this.tx = tx;
    this.dialect = dialect;
    this.sql = new Statements(connection, dialect);
    this.audit = new JdbcAudit(connection, dialect, feed);
    tx.onOutcome(audit::committed, audit::rolledBack);
    this.writes =
        new JdbcUserWrites(sql, tx, dialect, new LastAdminGuard(connection, dialect), audit);
    this.sessions = new JdbcSessions(sql, tx, dialect, audit);
    this.logins = new JdbcLoginAttempts(sql, tx, audit);
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

  @Override
  public List<User> usersAfter(String afterName, int limit) {
    return tx.read(
        "list users",
        () -> {
          sql.usersAfter.setString(1, nameKey(afterName));
          sql.usersAfter.setInt(2, limit);
          List<User> users = new ArrayList<>();
          try (ResultSet rs = sql.usersAfter.executeQuery()) {
            while (rs.next()) {
              users.add(readUser(rs, 1, dialect));
            }
          }
          return users;
        });
  }

  // ---- writes of users: see JdbcUserWrites ---------------------------------------------------

  @Override
  public User createUser(NewUser user, Instant now, AuditOrigin origin) {
    return writes.create(user, now, origin);
  }

  @Override
  public int createUsers(Iterable<NewUser> users, Instant now, AuditOrigin origin) {
    return writes.createAll(users, now, origin);
  }

  @Override
  public int copyInUsers(List<User> users, Instant now, AuditEvent event) {
    return writes.copyIn(users, now, event);
  }

  @Override
  public Optional<User> updateProfile(
      String username, ProfileChange change, Instant now, AuditOrigin origin) {
    return writes.updateProfile(username, change, now, origin);
  }

  @Override
  public boolean changePassword(
      String username,
      String passwordHash,
      String keepSessionHash,
      Instant now,
      AuditOrigin origin) {
    return writes.changePassword(username, passwordHash, keepSessionHash, now, origin);
  }

  @Override
  public void upgradePasswordHash(
      long userId, String oldHash, String newHash, Instant now, AuditEvent event) {
    writes.upgradePasswordHash(userId, oldHash, newHash, now, event);
  }

  @Override
  public boolean deleteUser(String username, Instant now, AuditOrigin origin) {
    return writes.delete(username, now, origin);
  }

  // ---- sessions and sign-in attempts: see JdbcSessions and JdbcLoginAttempts ---------------

  @Override
  public Optional<SessionRecord> findSession(String tokenHash, Instant now) {
    return sessions.find(tokenHash, now);
  }

  @Override
  public void createSession(
      String tokenHash,
      long userId,
      Instant now,
      Instant expiresAt,
      Instant idleEndsAt,
      int keepAtMost,
      AuditEvent event) {
    sessions.create(tokenHash, userId, now, expiresAt, idleEndsAt, keepAtMost, event);
  }

  @Override
  public void touchSession(String tokenHash, Instant now, Instant idleEndsAt) {
    sessions.touch(tokenHash, now, idleEndsAt);
  }

  @Override
  public boolean deleteSession(String tokenHash, Instant now, AuditEvent event) {
    return sessions.delete(tokenHash, now, event);
  }

  @Override
  public boolean endExpiredSession(
      String tokenHash, Instant now, Instant idleSince, AuditOrigin origin) {
    return sessions.endExpired(tokenHash, now, idleSince, origin);
  }

  @Override
  public int deleteExpiredSessions(Instant now, AuditOrigin origin) {
    return sessions.deleteExpired(now, origin);
  }

  @Override
  public LoginAttempt reserveLoginAttempt(
      long userId, Instant now, IntFunction<Instant> lockFor, AuditEvent onLock) {
    return logins.reserve(userId, now, lockFor, onLock);
  }

  @Override
  public void recordLoginSuccess(long userId, Instant now, AuditEvent event) {
    logins.succeeded(userId, now, event);
  }

  @Override
  public LoginAttempt reserveLimitedAttempt(
      String key,
      Instant now,
      Instant forgetBefore,
      IntFunction<Instant> lockFor,
      AuditEvent onLock) {
    return logins.reserveLimited(key, now, forgetBefore, lockFor, onLock);
  }

  @Override
  public void releaseLimitedAttempt(String key, Instant lockSet, Instant now, AuditEvent onUnlock) {
    logins.releaseLimited(key, lockSet, now, onUnlock);
  }

  @Override
  public void forgetLimit(String key) {
    logins.forgetLimit(key);
  }

  @Override
  public int deleteStaleLimits(Instant now, Instant unusedSince) {
    return logins.deleteStaleLimits(now, unusedSince);
  }

  // ---- the audit log: see JdbcAudit ---------------------------------------------------------

  /** Its own transaction, unannounced: a record changes no answer another backend caches. */
  @Override
  public void appendAudit(AuditEvent event, Instant now) {
    tx.writeUnannounced(
        "append to the audit log",
        () -> {
          audit.append(event, now);
          return null;
        });
  }

  /** Unannounced, as an append: no cached answer depends on old records. */
  @Override
  public int pruneAudit(Instant before, Instant now, AuditOrigin origin, int batch) {
    AuditEvent event = AuditEvent.success(AuditAction.AUDIT_PRUNED, origin, null, null);
    int removed = 0;
    JdbcAudit.Pruned step;
    do {
      step =
          tx.writeUnannounced("prune the audit log", () -> audit.prune(before, now, event, batch));
      removed += step.removed();
    } while (step.passed() > 0);
    return removed;
  }

  @Override
  public List<AuditRecord> findAudit(AuditQuery query) {
    return tx.read("read the audit log", () -> audit.find(query));
  }

  @Override
  public AuditHead auditHead() {
    return tx.read("read the audit log's head", audit::head);
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
    Connections.closeQuietly(connection);
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
