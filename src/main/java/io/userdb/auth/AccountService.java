package io.userdb.auth;

import io.userdb.audit.AuditOrigin;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.NewUser;
import io.userdb.db.ProfileChange;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Account changes shared by the HTTP API and the CLI: validates input, hashes passwords, and drops
 * cached credentials whenever a change affects what an account may do. Each change is recorded in
 * the audit log as its {@link AuditOrigin}'s, in the change's own transaction.
 */
public final class AccountService {

  private final PasswordHasher hasher;
  private final BasicCredentialCache credentialCache;
  private final LoginService logins;
  private final Clock clock;

  public AccountService(
      PasswordHasher hasher,
      BasicCredentialCache credentialCache,
      LoginService logins,
      Clock clock) {
    this.hasher = hasher;
    this.credentialCache = credentialCache;
    this.logins = logins;
    this.clock = clock;
  }

  /**
   * Creates an account. The password is hashed with no database object held.
   *
   * @throws io.userdb.db.DuplicateUserException if the name is taken
   */
  public User create(
      DatabaseAccess access,
      String username,
      String password,
      String displayName,
      String email,
      Set<String> roles,
      AuditOrigin origin) {
    AccountRules.username(username);
    access.release();
    String hash = hasher.hash(AccountRules.password(password));
    return createWithHash(access.db(), username, hash, displayName, email, roles, origin);
  }

  /** Creates an account from an already hashed password (an htpasswd import). */
  public User createWithHash(
      UserDatabase db,
      String username,
      String passwordHash,
      String displayName,
      String email,
      Set<String> roles,
      AuditOrigin origin) {
    NewUser user =
        new NewUser(
            AccountRules.username(username),
            passwordHash,
            orEmpty(AccountRules.displayName(displayName)),
            orEmpty(AccountRules.email(email)),
            AccountRules.roles(roles));
    User created = db.createUser(user, clock.instant(), origin);
    logins.accountCreated(db, username);
    return created;
  }

  public Optional<User> update(
      UserDatabase db, String username, ProfileChange change, AuditOrigin origin) {
    ProfileChange valid =
        new ProfileChange(
            AccountRules.displayName(change.displayName()),
            AccountRules.email(change.email()),
            AccountRules.roles(change.roles()),
            change.disabled());
    Optional<User> updated = db.updateProfile(username, valid, clock.instant(), origin);
    if (valid.touchesAccess()) {
      credentialCache.forget(username);
    }
    return updated;
  }

  /**
   * Sets a new password and revokes the user's sessions but {@code keepSessionHash}. The password
   * is hashed with no database object held.
   */
  public boolean changePassword(
      DatabaseAccess access,
      String username,
      String newPassword,
      String keepSessionHash,
      AuditOrigin origin) {
    access.release();
    String hash = hasher.hash(AccountRules.password(newPassword));
    boolean changed =
        access.db().changePassword(username, hash, keepSessionHash, clock.instant(), origin);
    credentialCache.forget(username);
    return changed;
  }

  public boolean delete(UserDatabase db, String username, AuditOrigin origin) {
    boolean deleted = db.deleteUser(username, clock.instant(), origin);
    credentialCache.forget(username);
    return deleted;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
