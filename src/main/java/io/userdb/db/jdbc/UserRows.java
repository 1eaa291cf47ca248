package io.userdb.db.jdbc;

import io.userdb.db.User;
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
  static User readUser(ResultSet rs, int first, Dialect dialect) throws SQLException {
    return new User(
        rs.getLong(first),
        dialect.text(rs, first + 1),
        dialect.text(rs, first + 2),
        dialect.text(rs, first + 3),
        dialect.text(rs, first + 4),
        splitRoles(dialect.text(rs, first + 5)),
        rs.getInt(first + 6) != 0,
        Instant.ofEpochMilli(rs.getLong(first + 7)),
        Instant.ofEpochMilli(rs.getLong(first + 8)),
        rs.getInt(first + 9),
        Instant.ofEpochMilli(rs.getLong(first + 10)));
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
