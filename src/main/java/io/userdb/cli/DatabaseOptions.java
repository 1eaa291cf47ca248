package io.userdb.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userdb.audit.AuditOrigin;
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
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --db}, {@code --db-password-file} (from the option table) and {@code --config} for the
 * admin commands, resolved like the server's options, so a command finds the same database as the
 * service it sits beside.
 */
@Command(modelTransformer = DatabaseOptions.StoreFlags.class)
final class DatabaseOptions {

  /** The command this is mixed into: it holds the parsed values of the flags added here. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "properties file with options (key = option name)")
  Path configFile;

  /** The table's options that say where the store is and how to sign in to it. */
  static final class StoreFlags implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      return TableFlags.add(command, List.of("db", "db-password-file"));
    }
  }

  /**
   * The existing store, found as the server finds it (flag, environment, config file, default).
   * Only {@code serve} creates one: a mistyped --db would otherwise leave an empty database behind,
   * and a command that seemed to work on it worked on nothing.
   */
  UserStore store() {
    ServiceConfig config =
        ServiceConfig.load(TableFlags.given(command), System.getenv(), configFile);
    return UserStores.open(StoreSettings.existing(config.db()).withPassword(config.dbPassword()));
  }

  /**
   * One object on the existing store, opened directly (one connection; safe beside a running
   * server).
   */
  UserDatabase open() {
    // Closing the store stops only what it runs beside its objects; the object stays open.
    try (UserStore store = store()) {
      return store.open();
    }
  }

  /** Who the audit log names for an admin command: {@code cli:} and the OS user running it. */
  static AuditOrigin origin() {
    return AuditOrigin.cli(System.getProperty("user.name"));
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
