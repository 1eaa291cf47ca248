package io.userdb.cli;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditEvent;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code userdb backup OUT}: a consistent copy of the database, taken while the server runs, into a
 * new file readable by its owner only. OUT must not exist, not even as a link: a file someone else
 * prepared, or a link pointing elsewhere, would receive every password hash. The audit log records
 * the backup ({@code database.backed_up}, the file's path) as {@code cli:} and the OS user.
 */
@Command(
    name = "backup",
    description = "Write an online, consistent backup of the database to a new file (0600).",
    mixinStandardHelpOptions = true)
final class BackupCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Parameters(paramLabel = "OUT", description = "A new file; an existing file or link is refused.")
  Path out;

  @Override
  public Integer call() {
    // Said before opening the store; its backupTo refuses it again, atomically.
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(out + " exists already (as a file or a link); choose a new file");
    }
    try (UserStore store = database.store()) {
      store.backupTo(out);
      // Named by its path, never its contents; recorded after the copy, so it is not in it.
      try (UserDatabase db = store.open()) {
        db.appendAudit(
            AuditEvent.success(AuditAction.DATABASE_BACKED_UP, DatabaseOptions.origin(), null, null)
                .with("file", out.toAbsolutePath().normalize().toString()),
            Instant.now());
      }
    }
    System.out.println("backed up to " + out);
    return 0;
  }
}
