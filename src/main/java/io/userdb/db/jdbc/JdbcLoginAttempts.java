package io.userdb.db.jdbc;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.db.LoginAttempt;
import java.sql.PreparedStatement;
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
          long expired;
          try (ResultSet rs = sql.reserveAttempt.executeQuery()) {
            if (!rs.next()) {
              return LoginAttempt.refused(currentLock(userId));
            }
            failures = rs.getInt(1);
            expired = rs.getLong(2);
          }
          sql.setLock.setLong(2, userId);
          return reserved(failures, expired, lockFor, now, onLock, sql.setLock);
        });
  }

  /**
   * A reservation made: the count it reached sets a lock if the policy says so, and a lock it found
   * run out ({@code expired}, 0 for none) is cleared and recorded. {@code setLock} names its row.
   */
  private LoginAttempt reserved(
      int attempts,
      long expired,
      IntFunction<Instant> lockFor,
      Instant now,
      AuditEvent onLock,
      PreparedStatement setLock)
      throws SQLException {
    Instant lock = lockFor.apply(attempts);
    if (expired > 0 || lock.isAfter(now)) {
      setLock.setLong(1, lock.isAfter(now) ? lock.toEpochMilli() : 0);
      setLock.executeUpdate();
    }
    if (expired > 0) {
      audit.append(unlocked(onLock, expired), now);
    }
    if (lock.isAfter(now)) {
      audit.append(locked(onLock, attempts, lock), now);
    }
    return new LoginAttempt(true, attempts, lock);
  }

  private Instant currentLock(long userId) throws SQLException {
    sql.lockOf.setLong(1, userId);
    try (ResultSet rs = sql.lockOf.executeQuery()) {
      return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : Instant.EPOCH;
    }
  }

  /**
   * A lock that ran out, noticed by the attempt after it (and cleared, so it is noticed once): an
   * account's or an address's, as {@code onLock} is.
   */
  private static AuditEvent unlocked(AuditEvent onLock, long lockedUntil) {
    if (onLock == null) {
      return null;
    }
    AuditAction action =
        onLock.action() == AuditAction.ADDRESS_LOCKED
            ? AuditAction.ADDRESS_UNLOCKED
            : AuditAction.USER_UNLOCKED;
    return onLock
        .as(action)
        .with("reason", "expired")
        .with("locked_until", Instant.ofEpochMilli(lockedUntil).toString());
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
          // A lock running now was set by this attempt's reservation (or one beside it): the
          // success lifts it, as it forgives the failures, and says so.
          Instant lock = currentLock(userId);
          sql.loginSuccess.setLong(1, userId);
          int updated = sql.loginSuccess.executeUpdate();
          audit.append(event, now);
          if (event != null && lock.isAfter(now)) {
            audit.append(liftedBySignIn(event.as(AuditAction.USER_UNLOCKED), lock), now);
          }
          return updated;
        });
  }

  private static AuditEvent liftedBySignIn(AuditEvent unlocked, Instant lock) {
    return unlocked.with("reason", "signed_in").with("locked_until", lock.toString());
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
          long expired;
          try (ResultSet rs = sql.reserveLimit.executeQuery()) {
            if (!rs.next()) {
              return LoginAttempt.refused(currentLimitLock(key));
            }
            attempts = rs.getInt(1);
            expired = rs.getLong(2);
          }
          sql.setLimitLock.setString(2, key);
          return reserved(attempts, expired, lockFor, now, onLock, sql.setLimitLock);
        });
  }

  private Instant currentLimitLock(String key) throws SQLException {
    sql.lockOfLimit.setString(1, key);
    try (ResultSet rs = sql.lockOfLimit.executeQuery()) {
      return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : Instant.EPOCH;
    }
  }

  void releaseLimited(String key, Instant lockSet, Instant now, AuditEvent onUnlock) {
    tx.writeUnannounced(
        "release a limited attempt",
        () -> {
          long set = lockSet.isAfter(now) ? lockSet.toEpochMilli() : -1;
          sql.releaseLimit.setLong(1, set);
          sql.releaseLimit.setString(2, key);
          try (ResultSet rs = sql.releaseLimit.executeQuery()) {
            if (rs.next() && set > 0 && rs.getLong(1) == 0 && onUnlock != null) {
              audit.append(liftedBySignIn(onUnlock, lockSet), now);
            }
          }
          return null;
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
