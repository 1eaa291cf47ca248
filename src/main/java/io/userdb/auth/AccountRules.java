package io.userdb.auth;

import java.util.Set;
import java.util.regex.Pattern;

/** What a username, password, profile field and role list may be. */
public final class AccountRules {

  public static final Set<String> ROLES = Set.of(Caller.ADMIN, Caller.USER, Caller.GUEST);
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 1024;
  static final int MAX_DISPLAY_NAME = 200;
  static final int MAX_EMAIL = 254;

  private AccountRules() {}

  public static boolean isValidUsername(String username) {
    return username != null && USERNAME.matcher(username).matches();
  }

  public static String username(String username) {
    if (!isValidUsername(username)) {
      throw new InvalidInputException(
          "invalid_username", "username must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
    }
    return username;
  }

  /** Length counts Unicode code points after NFC normalisation; no composition rules. */
  public static String password(String password) {
    if (password == null) {
      throw new InvalidInputException("invalid_password", "password is required");
    }
    int length = length(password);
    if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
      throw new InvalidInputException(
          "invalid_password",
          "password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
    }
    return password;
  }

  /**
   * Whether a password offered at sign-in may be as long as a stored one can be: cheap, so an
   * over-long one is refused before any hashing (a 60,000-character password would cost a hash).
   */
  static boolean isAcceptableLength(String password) {
    return password != null
        && password.length() <= 4 * MAX_PASSWORD // more than NFC could ever fold
        && length(password) <= MAX_PASSWORD;
  }

  /** Code points after NFC normalisation, as a password is compared. */
  private static int length(String password) {
    String normalized = PasswordHasher.normalize(password);
    return normalized.codePointCount(0, normalized.length());
  }

  public static String displayName(String displayName) {
    if (displayName == null) {
      return null;
    }
    if (displayName.length() > MAX_DISPLAY_NAME || hasControlCharacters(displayName)) {
      throw new InvalidInputException(
          "invalid_display_name",
          "display name must be at most "
              + MAX_DISPLAY_NAME
              + " characters, without control characters");
    }
    return displayName;
  }

  public static String email(String email) {
    if (email == null || email.isEmpty()) {
      return email;
    }
    if (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches()) {
      throw new InvalidInputException("invalid_email", "email must look like name@example.org");
    }
    return email;
  }

  public static Set<String> roles(Set<String> roles) {
    if (roles == null) {
      return null;
    }
    for (String role : roles) {
      if (!ROLES.contains(role)) {
        throw new InvalidInputException(
            "invalid_role", "unknown role '" + role + "'; roles are admin, user, guest");
      }
    }
    return Set.copyOf(roles);
  }

  private static boolean hasControlCharacters(String text) {
    return text.codePoints().anyMatch(Character::isISOControl);
  }
}
