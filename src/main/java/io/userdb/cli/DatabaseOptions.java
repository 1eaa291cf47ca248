package io.userdb.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.auth.AccountService;
import io.userdb.auth.BasicCredentialCache;
import io.userdb.auth.LockoutPolicy;
import io.userdb.auth.LoginService;
import io.userdb.auth.PasswordHasher;
import io.userdb.config.ServiceConfig;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --db} and {@code --config} for the admin commands, resolved like the server's options, so
 * a command finds the same database as the service it sits beside.
 */
final class DatabaseOptions {

  @Option(
      names = "--db",
      paramLabel = "PATH",
      description = "Where the users are kept (default data/userdb.db).")
  String db;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with options.")
  Path configFile;

  /**
   * The existing store, found as the server finds it (flag, environment, config file, default).
   * Only {@code serve} creates one: a mistyped --db would otherwise leave an empty database behind,
   * and a command that seemed to work on it worked on nothing.
   */
  UserStore store() {
    Map<String, String> flags = new HashMap<>();
    if (db != null) {
      flags.put("db", db);
    }
    ServiceConfig config = ServiceConfig.load(flags, System.getenv(), configFile);
    return UserStores.open(StoreSettings.existing(config.db()).withPassword(config.dbPassword()));
  }

  /**
   * One object on the existing store, opened directly (one connection; safe beside a running
   * server).
   */
  UserDatabase open() {
    return store().open();
  }

  static AccountService accounts() {
    Clock clock = Clock.systemUTC();
    PasswordHasher hasher = new PasswordHasher();
    // The CLI signs no one in (it is run by whoever owns the file): no address limit applies.
    LoginService logins =
        new LoginService(
            hasher, LockoutPolicy.DEFAULT, LockoutPolicy.DEFAULT, clock, new SimpleMeterRegistry());
    return new AccountService(hasher, new BasicCredentialCache(clock), logins, clock);
  }
}
