package io.userdb.cli;

import io.userdb.auth.AccountService;
import io.userdb.auth.BasicCredentialCache;
import io.userdb.auth.LockoutPolicy;
import io.userdb.auth.LoginService;
import io.userdb.auth.PasswordHasher;
import io.userdb.config.ServiceConfig;
import io.userdb.db.PoolSettings;
import io.userdb.db.SqliteUserDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --db} and {@code --config} for the admin commands, resolved like the server's
 * options, so a command finds the same database as the service it sits beside.
 */
final class DatabaseOptions {

  @Option(names = "--db", paramLabel = "PATH", description = "SQLite database file (default data/userdb.db).")
  String db;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with options.")
  Path configFile;

  Path databaseFile() {
    Map<String, String> flags = new HashMap<>();
    if (db != null) {
      flags.put("db", db);
    }
    return Path.of(ServiceConfig.load(flags, System.getenv(), configFile).db());
  }

  /**
   * Opens the existing database directly (one connection; safe beside a running server). Only
   * {@code serve} creates one: a mistyped --db would otherwise leave an empty database behind,
   * and a command that seemed to work on it (a user added, a backup taken) worked on nothing.
   */
  SqliteUserDatabase open() {
    Path file = databaseFile();
    if (!Files.exists(file)) {
      throw new CliException("no database at " + file
          + " (start `userdb serve` once to create it, or check --db)");
    }
    if (!isSqliteFile(file)) {
      // SQLite would turn an empty or unrelated file into a database, keeping its mode.
      throw new CliException(file + " is not a userdb database (start `userdb serve` to create one, or check --db)");
    }
    // SQLite opens without its create flag: should the file vanish now, this fails, creating nothing.
    return SqliteUserDatabase.open(file, PoolSettings.DEFAULT_BUSY_TIMEOUT);
  }

  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** Whether the file starts with SQLite's 16-byte header, as every database file does. */
  private static boolean isSqliteFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(SQLITE_HEADER.length), SQLITE_HEADER);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
  }

  static AccountService accounts() {
    Clock clock = Clock.systemUTC();
    PasswordHasher hasher = new PasswordHasher();
    // The CLI signs no one in (it is run by whoever owns the file): no address limit applies.
    LoginService logins =
        new LoginService(hasher, LockoutPolicy.DEFAULT, LockoutPolicy.DEFAULT, clock, new SimpleMeterRegistry());
    return new AccountService(hasher, new BasicCredentialCache(clock), logins, clock);
  }
}
