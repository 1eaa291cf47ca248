package io.userdb.db.jdbc;

import io.userdb.audit.AuditEvent;
import io.userdb.db.LoginAttempt;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.IntFunction;

/**
 * The per-account count of password checks on one connection, kept atomic by the write transaction:
 * {@link io.userdb.db.UserDatabase#reserveLoginAttempt}. Not thread-safe.
 */
final class JdbcLoginAttempts {

  private final Statements sql;
  private final Transactions tx;
  private final JdbcAudit audit;

  JdbcLoginAttempts(Statements sql, Transactions tx, JdbcAudit audit) {
    this.sql = sql;
    this.tx = tx;
    this.audit = audit;
  }

  LoginAttempt reserve(long userId, Instant now, IntFunction<Instant> lockFor, AuditEvent onLock) {
    return tx.write(
        "reserve login attempt",
        () -> {
          sql.reserveAttempt.setLong(1, userId);
          sql.reserveAttempt.setLong(2, now.toEpochMilli());
          int failures;
          try (ResultSet rs = sql.reserveAttempt.executeQuery()) {
            if (!rs.next()) {
              return LoginAttempt.refused(currentLock(userId));
            }
            failures = rs.getInt(1);
          }
          Instant lock = lockFor.apply(failures);
          if (lock.isAfter(now)) {
            sql.setLock.setLong(1, lock.toEpochMilli());
            sql.setLock.setLong(2, userId);
            sql.setLock.executeUpdate();
            audit.append(locked(onLock, failures, lock), now);
          }
          return new LoginAttempt(true, failures, lock);
        });
  }

  private Instant currentLock(long userId) throws SQLException {
    sql.lockOf.setLong(1, userId);
    try (ResultSet rs = sql.lockOf.executeQuery()) {
      return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : Instant.EPOCH;
    }
  }

  private static AuditEvent locked(AuditEvent onLock, int attempts, Instant lock) {
    return onLock == null
        ? null
        : onLock.with("attempts", attempts).with("locked_until", lock.toString());
  }

  void succeeded(long userId, Instant now, AuditEvent event) {
    tx.write(
        "record login success",
        () -> {
          sql.loginSuccess.setLong(1, userId);
          int updated = sql.loginSuccess.executeUpdate();
          audit.append(event, now);
          return updated;
        });
  }

  /**
   * Limits by key change no answer another backend caches (they are read at every check), so their
   * writes are not announced.
   */
  LoginAttempt reserveLimited(
      String key,
      Instant now,
      Instant forgetBefore,
      IntFunction<Instant> lockFor,
      AuditEvent onLock) {
    return tx.writeUnannounced(
        "reserve a limited attempt",
        () -> {
          sql.reserveLimit.setString(1, key);
          sql.reserveLimit.setLong(2, now.toEpochMilli());
          sql.reserveLimit.setLong(3, forgetBefore.toEpochMilli());
          sql.reserveLimit.setLong(4, now.toEpochMilli());
          int attempts;
          try (ResultSet rs = sql.reserveLimit.executeQuery()) {
            if (!rs.next()) {
              return LoginAttempt.refused(currentLimitLock(key));
            }
            attempts = rs.getInt(1);
          }
          Instant lock = lockFor.apply(attempts);
          if (lock.isAfter(now)) {
            sql.setLimitLock.setLong(1, lock.toEpochMilli());
            sql.setLimitLock.setString(2, key);
            sql.setLimitLock.executeUpdate();
            audit.append(locked(onLock, attempts, lock), now);
          }
          return new LoginAttempt(true, attempts, lock);
        });
  }

  private Instant currentLimitLock(String key) throws SQLException {
    sql.lockOfLimit.setString(1, key);
    try (ResultSet rs = sql.lockOfLimit.executeQuery()) {
      return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : Instant.EPOCH;
    }
  }

  void releaseLimited(String key) {
    tx.writeUnannounced(
        "release a limited attempt",
        () -> {
          sql.releaseLimit.setString(1, key);
          return sql.releaseLimit.executeUpdate();
        });
  }

  void forgetLimit(String key) {
    tx.writeUnannounced(
        "forget a limit",
        () -> {
          sql.forgetLimit.setString(1, key);
          return sql.forgetLimit.executeUpdate();
        });
  }

  int deleteStaleLimits(Instant now, Instant unusedSince) {
    return tx.writeUnannounced(
        "delete stale limits",
        () -> {
          sql.deleteStaleLimits.setLong(1, now.toEpochMilli());
          sql.deleteStaleLimits.setLong(2, unusedSince.toEpochMilli());
          return sql.deleteStaleLimits.executeUpdate();
        });
  }
}
