package io.userdb.db.jdbc;

import static io.userdb.db.jdbc.UserRows.USER_COLUMNS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Every statement one connection runs for {@link JdbcUserDatabase}, prepared once when the
 * connection is opened, in the SQL every store takes. Not thread-safe, like the connection they
 * belong to.
 */
final class Statements {

  final PreparedStatement ping;
  final PreparedStatement findUser;
  final PreparedStatement countUsers;
  final PreparedStatement hasAdmin;
  final PreparedStatement countPrefix;
  final PreparedStatement listPrefix;
  final PreparedStatement usersAfter;
  final PreparedStatement insertUser;
  final PreparedStatement updateProfile;
  final PreparedStatement copyInUser;
  final PreparedStatement deleteSessionsOfName;
  final PreparedStatement updatePassword;
  final PreparedStatement deleteOtherSessions;
  final PreparedStatement upgradeHash;
  final PreparedStatement deleteUser;
  final PreparedStatement reserveAttempt;
  final PreparedStatement setLock;
  final PreparedStatement lockOf;
  final PreparedStatement loginSuccess;
  final PreparedStatement reserveLimit;
  final PreparedStatement lockOfLimit;
  final PreparedStatement setLimitLock;
  final PreparedStatement releaseLimit;
  final PreparedStatement forgetLimit;
  final PreparedStatement deleteStaleLimits;
  final PreparedStatement insertSession;
  final PreparedStatement findSession;
  final PreparedStatement touchSession;
  final PreparedStatement capSessions;
  final PreparedStatement deleteSession;
  final PreparedStatement deleteExpiredSessions;
  final PreparedStatement expiredSession;
  final PreparedStatement deleteExpiredSession;
  final PreparedStatement countSessionsOfUser;
  final PreparedStatement sessionOwner;

  private final Connection connection;

  Statements(Connection connection, Dialect dialect) throws SQLException {
    this.connection = connection;
    ping = prepare("SELECT 1");
    findUser = prepare("SELECT " + USER_COLUMNS + " FROM users u WHERE u.name_key = ?");
    countUsers = prepare("SELECT COUNT(*) FROM users");
    hasAdmin = prepare("SELECT 1 FROM users WHERE ',' || roles || ',' LIKE '%,admin,%' LIMIT 1");
    countPrefix = prepare("SELECT COUNT(*) FROM users WHERE name_key >= ? AND name_key < ?");
    listPrefix =
        prepare(
            "SELECT "
                + USER_COLUMNS
                + " FROM users u WHERE u.name_key >= ? AND u.name_key < ?"
                + " ORDER BY u.name_key LIMIT ? OFFSET ?");
    usersAfter =
        prepare(
            "SELECT "
                + USER_COLUMNS
                + " FROM users u WHERE u.name_key > ? ORDER BY u.name_key LIMIT ?");
    insertUser =
        prepare(
            "INSERT INTO users (username, name_key, password_hash, display_name, email, roles,"
                + " disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)");
    copyInUser =
        prepare(
            "INSERT INTO users (username, name_key, password_hash, display_name, email, roles, disabled,"
                + " created_at, updated_at, failed_logins, locked_until)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name_key) DO UPDATE SET"
                + " username = excluded.username, password_hash = excluded.password_hash,"
                + " display_name = excluded.display_name, email = excluded.email, roles = excluded.roles,"
                + " disabled = excluded.disabled, created_at = excluded.created_at,"
                + " updated_at = excluded.updated_at, failed_logins = excluded.failed_logins,"
                + " locked_until = excluded.locked_until");
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
                + " RETURNING failed_logins, locked_until");
    setLock = prepare("UPDATE users SET locked_until = ? WHERE id = ?");
    lockOf = prepare("SELECT locked_until FROM users WHERE id = ?");
    loginSuccess = prepare("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?");
    // The count starts over once its last attempt is old enough; a locked key is left as it is
    // (no row comes back), so parallel checks past the threshold are refused without hashing.
    reserveLimit =
        prepare(
            "INSERT INTO login_limits (limit_key, attempts, last_attempt, locked_until) VALUES (?, 1, ?, 0)"
                + " ON CONFLICT (limit_key) DO UPDATE SET attempts = CASE WHEN login_limits.last_attempt < ?"
                + " THEN 1 ELSE login_limits.attempts + 1 END, last_attempt = excluded.last_attempt"
                + " WHERE login_limits.locked_until <= ? RETURNING attempts, locked_until");
    lockOfLimit = prepare("SELECT locked_until FROM login_limits WHERE limit_key = ?");
    setLimitLock = prepare("UPDATE login_limits SET locked_until = ? WHERE limit_key = ?");
    releaseLimit =
        prepare(
            "UPDATE login_limits SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,"
                + " locked_until = CASE WHEN locked_until = ? THEN 0 ELSE locked_until END"
                + " WHERE limit_key = ? RETURNING locked_until");
    forgetLimit = prepare("DELETE FROM login_limits WHERE limit_key = ?");
    deleteStaleLimits =
        prepare("DELETE FROM login_limits WHERE locked_until <= ? AND last_attempt < ?");
    insertSession =
        prepare(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ends_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
    findSession =
        prepare(
            "SELECT s.token_hash, s.last_seen_at, s.expires_at, s.ends_at, "
                + USER_COLUMNS
                + " FROM sessions s JOIN users u ON u.id = s.user_id"
                + " WHERE s.token_hash = ? AND s.ends_at > ?");
    touchSession =
        prepare(
            "UPDATE sessions SET last_seen_at = ?,"
                + " ends_at = CASE WHEN expires_at < ? THEN expires_at ELSE ? END WHERE token_hash = ?");
    capSessions =
        prepare(
            "DELETE FROM sessions WHERE user_id = ? AND token_hash NOT IN (SELECT token_hash FROM sessions"
                + " WHERE user_id = ? ORDER BY created_at DESC, "
                + dialect.sessionSequenceColumn()
                + " DESC LIMIT ?)");
    deleteSession = prepare("DELETE FROM sessions WHERE token_hash = ?");
    deleteExpiredSessions = prepare("DELETE FROM sessions WHERE ends_at <= ?");
    expiredSession =
        prepare(
            "SELECT s.expires_at, u.id, u.username FROM sessions s JOIN users u ON u.id = s.user_id"
                + " WHERE s.token_hash = ? AND (s.ends_at <= ? OR s.last_seen_at <= ?)");
    deleteExpiredSession =
        prepare(
            "DELETE FROM sessions WHERE token_hash = ? AND (ends_at <= ? OR last_seen_at <= ?)");
    countSessionsOfUser = prepare("SELECT COUNT(*) FROM sessions WHERE user_id = ?");
    sessionOwner =
        prepare(
            "SELECT u.id, u.username FROM sessions s JOIN users u ON u.id = s.user_id"
                + " WHERE s.token_hash = ?");
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }
}
