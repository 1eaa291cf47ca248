package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.readUser;

import io.userdb.db.SessionRecord;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/**
 * Sessions on one connection: {@link io.userdb.db.UserDatabase}'s session methods. Not thread-safe.
 */
final class JdbcSessions {

  private final Statements sql;
  private final Transactions tx;
  private final Dialect dialect;

  JdbcSessions(Statements sql, Transactions tx, Dialect dialect) {
    this.sql = sql;
    this.tx = tx;
    this.dialect = dialect;
  }

  Optional<SessionRecord> find(String tokenHash, Instant now) {
    return tx.read(
        "find session",
        () -> {
          sql.findSession.setString(1, tokenHash);
          sql.findSession.setLong(2, now.toEpochMilli());
          try (ResultSet rs = sql.findSession.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            return Optional.of(
                new SessionRecord(
                    dialect.text(rs, 1),
                    readUser(rs, 5, dialect),
                    Instant.ofEpochMilli(rs.getLong(2)),
                    Instant.ofEpochMilli(rs.getLong(3)),
                    Instant.ofEpochMilli(rs.getLong(4))));
          }
        });
  }

  void create(
      String tokenHash,
      long userId,
      Instant now,
      Instant expiresAt,
      Instant idleEndsAt,
      int keepAtMost) {
    tx.write(
        "create session",
        () -> {
          sql.insertSession.setString(1, tokenHash);
          sql.insertSession.setLong(2, userId);
          sql.insertSession.setLong(3, now.toEpochMilli());
          sql.insertSession.setLong(4, now.toEpochMilli());
          sql.insertSession.setLong(5, expiresAt.toEpochMilli());
          sql.insertSession.setLong(
              6, Math.min(expiresAt.toEpochMilli(), idleEndsAt.toEpochMilli()));
          sql.insertSession.executeUpdate();
          sql.capSessions.setLong(1, userId);
          sql.capSessions.setLong(2, userId);
          sql.capSessions.setInt(3, keepAtMost);
          return sql.capSessions.executeUpdate();
        });
  }

  void touch(String tokenHash, Instant now, Instant idleEndsAt) {
    tx.writeUnannounced(
        "touch session",
        () -> {
          sql.touchSession.setLong(1, now.toEpochMilli());
          sql.touchSession.setLong(2, idleEndsAt.toEpochMilli());
          sql.touchSession.setLong(3, idleEndsAt.toEpochMilli());
          sql.touchSession.setString(4, tokenHash);
          return sql.touchSession.executeUpdate();
        });
  }

  boolean delete(String tokenHash) {
    return tx.write(
        "delete session",
        () -> {
          sql.deleteSession.setString(1, tokenHash);
          return sql.deleteSession.executeUpdate() > 0;
        });
  }

  int deleteExpired(Instant now) {
    return tx.writeUnannounced(
        "delete expired sessions",
        () -> {
          sql.deleteExpiredSessions.setLong(1, now.toEpochMilli());
          return sql.deleteExpiredSessions.executeUpdate();
        });
  }
}
