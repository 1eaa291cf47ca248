package io.userdb;

import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AccountService;
import io.userdb.auth.Caller;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.DuplicateUserException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * First start: with no admin in the database, creates {@code admin} with the password in {@code
 * USERDB_ADMIN_PASSWORD}, or a random one printed once on the console (never logged).
 */
final class AdminBootstrap {

  private static final Logger LOG = Logger.getLogger(AdminBootstrap.class.getName());
  static final String PASSWORD_ENV = "USERDB_ADMIN_PASSWORD";

  private AdminBootstrap() {}

  static void ensureAdmin(
      DatabaseAccess access,
      AccountService accounts,
      Map<String, String> env,
      PrintStream console,
      AuditOrigin origin) {
    if (access.db().hasAdmin()) {
      return;
    }
    String given = env.get(PASSWORD_ENV);
    String password = given != null && !given.isEmpty() ? given : randomPassword();
    try {
      accounts.create(
          access,
          "admin",
          password,
          "Administrator",
          "",
          Set.of(Caller.ADMIN, Caller.USER),
          origin);
    } catch (DuplicateUserException e) {
      LOG.warning(
          "no account has the admin role and the name 'admin' is taken: grant the role"
              + " with 'userdb user roles NAME --role admin --role user' or restore a backup");
      return;
    }
    if (given != null && !given.isEmpty()) {
      console.println("userdb: created user 'admin' with the password from " + PASSWORD_ENV);
    } else {
      console.println(
          "userdb: created user 'admin' with password "
              + password
              + " (shown once: sign in and change it)");
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[15];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
