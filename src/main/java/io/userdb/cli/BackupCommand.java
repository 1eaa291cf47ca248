package io.userdb.cli;

import io.userdb.db.DatabaseFiles;
import io.userdb.db.SqliteUserDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code userdb backup OUT}: a consistent copy of the database, taken while the server runs. */
@Command(name = "backup", description = "Write an online, consistent backup of the database.", mixinStandardHelpOptions = true)
final class BackupCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Parameters(paramLabel = "OUT") Path out;

  @Override
  public Integer call() throws IOException {
    if (Files.exists(out) && Files.size(out) > 0) {
      throw new CliException(out + " exists already; choose a new file");
    }
    // Private from the first byte, like the database itself; SQLite writes into the empty file.
    DatabaseFiles.createPrivateFile(out.toAbsolutePath());
    try (SqliteUserDatabase db = database.open()) {
      db.backupTo(out);
    }
    System.out.println("backed up to " + out);
    return 0;
  }
}
