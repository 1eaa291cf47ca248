package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.readUser;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditOrigin;
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
  private final JdbcAudit audit;

  JdbcSessions(Statements sql, Transactions tx, Dialect dialect, JdbcAudit audit) {
    this.sql = sql;
    this.tx = tx;
    this.dialect = dialect;
    this.audit = audit;
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
      int keepAtMost,
      AuditEvent event) {
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
          int capped = sql.capSessions.executeUpdate();
          audit.append(event, now);
          if (event != null && capped > 0) {
            audit.append(ended(event, "cap", capped), now);
          }
          return capped;
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

  boolean delete(String tokenHash, Instant now, AuditEvent event) {
    return tx.write(
        "delete session",
        () -> {
          AuditEvent owned = event == null ? null : withOwner(event, tokenHash);
          sql.deleteSession.setString(1, tokenHash);
          boolean deleted = sql.deleteSession.executeUpdate() > 0;
          if (deleted) {
            audit.append(owned, now);
          }
          return deleted;
        });
  }

  private AuditEvent withOwner(AuditEvent event, String tokenHash) throws java.sql.SQLException {
    sql.sessionOwner.setString(1, tokenHash);
    try (ResultSet rs = sql.sessionOwner.executeQuery()) {
      return rs.next() ? event.about(rs.getLong(1), dialect.text(rs, 2)) : event;
    }
  }

  /** Read first, so a token nobody holds takes no write lock. */
  boolean endExpired(String tokenHash, Instant now, Instant idleSince, AuditOrigin origin) {
    Optional<AuditEvent> expired =
        tx.read(
            "find expired session",
            () -> {
              sql.expiredSession.setString(1, tokenHash);
              sql.expiredSession.setLong(2, now.toEpochMilli());
              sql.expiredSession.setLong(3, idleSince.toEpochMilli());
              try (ResultSet rs = sql.expiredSession.executeQuery()) {
                if (!rs.next()) {
                  return Optional.<AuditEvent>empty();
                }
                boolean pastExpiry = rs.getLong(1) <= now.toEpochMilli();
                return Optional.of(
                    AuditEvent.success(
                            AuditAction.SESSION_ENDED, origin, rs.getLong(2), dialect.text(rs, 3))
                        .with("reason", "expired")
                        .with("expired", pastExpiry ? "max_age" : "idle")
                        .with("session", AuditEvent.sessionName(tokenHash)));
              }
            });
    if (expired.isEmpty()) {
      return false;
    }
    return tx.writeUnannounced(
        "end expired session",
        () -> {
          sql.deleteExpiredSession.setString(1, tokenHash);
          sql.deleteExpiredSession.setLong(2, now.toEpochMilli());
          sql.deleteExpiredSession.setLong(3, idleSince.toEpochMilli());
          boolean deleted = sql.deleteExpiredSession.executeUpdate() > 0;
          if (deleted) {
            audit.append(expired.get(), now);
          }
          return deleted;
        });
  }

  int deleteExpired(Instant now, AuditOrigin origin) {
    return tx.writeUnannounced(
        "delete expired sessions",
        () -> {
          sql.deleteExpiredSessions.setLong(1, now.toEpochMilli());
          int expired = sql.deleteExpiredSessions.executeUpdate();
          if (origin != null && expired > 0) {
            audit.append(
                AuditEvent.success(AuditAction.SESSION_ENDED, origin, null, null)
                    .with("reason", "expired")
                    .with("count", expired),
                now);
          }
          return expired;
        });
  }

  /** Sessions of {@code cause}'s target ended beside it, {@code count} of them, and why. */
  static AuditEvent ended(AuditEvent cause, String reason, int count) {
    return cause.as(AuditAction.SESSION_ENDED).with("reason", reason).with("count", count);
  }
}
