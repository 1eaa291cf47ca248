package io.userdb.db.sqlite;

import io.userdb.db.User;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** How users are laid out in rows: the column list, the name key, roles as one text column. */
final class UserRows {

  static final String USER_COLUMNS =
      "u.id, u.username, u.password_hash, u.display_name, u.email, u.roles, u.disabled,"
          + " u.created_at, u.updated_at, u.failed_logins, u.locked_until";
  /** Above every character a (lower-cased) username may hold: the upper bound of a prefix. */
  static final char AFTER_NAME_CHARS = '\u007f';

  private UserRows() {}

  /** Usernames are unique in any letter case through this lower-cased key (names are ASCII). */
  static String nameKey(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  /** The user whose {@link #USER_COLUMNS} start at column {@code first}. */
  static User readUser(ResultSet rs, int first) throws SQLException {
    return new User(
        rs.getLong(first),
        text(rs, first + 1),
        text(rs, first + 2),
        text(rs, first + 3),
        text(rs, first + 4),
        splitRoles(text(rs, first + 5)),
        rs.getInt(first + 6) != 0,
        Instant.ofEpochMilli(rs.getLong(first + 7)),
        Instant.ofEpochMilli(rs.getLong(first + 8)),
        rs.getInt(first + 9),
        Instant.ofEpochMilli(rs.getLong(first + 10)));
  }

  /**
   * A TEXT column, read as its UTF-8 bytes. sqlite-jdbc's getString wraps every value in a new
   * direct ByteBuffer through JNI, which made up much of what reading a listing cost
   * (docs/PERFORMANCE-HISTORY.md); the bytes come back in one plain array.
   */
  static String text(ResultSet rs, int column) throws SQLException {
    byte[] utf8 = rs.getBytes(column);
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  static String joinRoles(Set<String> roles) {
    return String.join(",", new TreeSet<>(roles));
  }

  static Set<String> splitRoles(String roles) {
    if (roles.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(Arrays.asList(roles.split(",")));
  }
}
