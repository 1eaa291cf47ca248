package io.userdb.db.jdbc;

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

  JdbcLoginAttempts(Statements sql, Transactions tx) {
    this.sql = sql;
    this.tx = tx;
  }

  LoginAttempt reserve(long userId, Instant now, IntFunction<Instant> lockFor) {
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

  void succeeded(long userId) {
    tx.write(
        "record login success",
        () -> {
          sql.loginSuccess.setLong(1, userId);
          return sql.loginSuccess.executeUpdate();
        });
  }
}
