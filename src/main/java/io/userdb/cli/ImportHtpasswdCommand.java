package io.userdb.cli;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.auth.AccountService;
import io.userdb.auth.Caller;
import io.userdb.auth.InvalidInputException;
import io.userdb.auth.PasswordHasher;
import io.userdb.db.DuplicateUserException;
import io.userdb.db.UserDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code userdb import-htpasswd FILE}: moves users over from an Apache htpasswd file with their
 * hashes as they are; each is upgraded to Argon2id at its first sign-in. Every line is either
 * imported or reported as skipped with its number; the import never stops half-way. Each user is
 * recorded as created, and the import as a whole as {@code user.imported} with its counts.
 */
@Command(
    name = "import-htpasswd",
    description = "Import users from an Apache htpasswd file.",
    mixinStandardHelpOptions = true)
final class ImportHtpasswdCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Parameters(paramLabel = "FILE")
  Path file;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      description = "Role of imported users; repeatable (default user).")
  List<String> roles;

  @Override
  public Integer call() throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Set<String> granted =
        roles == null || roles.isEmpty() ? Set.of(Caller.USER) : Set.copyOf(roles);
    AccountService accounts = DatabaseOptions.accounts();
    int imported = 0;
    int skipped = 0;
    try (UserDatabase db = database.open()) {
      for (int i = 0; i < lines.size(); i++) {
        String reason = importLine(db, accounts, lines.get(i).strip(), granted);
        if (reason == null) {
          imported++;
        } else if (!reason.isEmpty()) {
          skipped++;
          System.out.println("line " + (i + 1) + ": skipped: " + reason);
        }
      }
      // Besides each user.created: the import as a whole, with what it left out.
      db.appendAudit(
          AuditEvent.success(AuditAction.USER_IMPORTED, DatabaseOptions.origin(), null, null)
              .with("file", file.getFileName().toString())
              .with("imported", imported)
              .with("skipped", skipped),
          Instant.now());
    }
    System.out.println("imported " + imported + ", skipped " + skipped);
    return 0;
  }

  /** Null when imported, "" for a blank or comment line, else why the line was skipped. */
  private static String importLine(
      UserDatabase db, AccountService accounts, String line, Set<String> roles) {
    if (line.isEmpty() || line.startsWith("#")) {
      return "";
    }
    int colon = line.indexOf(':');
    if (colon < 0) {
      return "not NAME:HASH";
    }
    String name = line.substring(0, colon);
    String hash = line.substring(colon + 1);
    if (!PasswordHasher.isSupported(hash)) {
      return "user " + name + ": unsupported hash format (crypt(3) or plain text)";
    }
    try {
      accounts.createWithHash(db, name, hash, null, null, roles, DatabaseOptions.origin());
      return null;
    } catch (DuplicateUserException e) {
      return "user " + name + " exists already";
    } catch (InvalidInputException e) {
      return e.getMessage();
    }
  }
}
