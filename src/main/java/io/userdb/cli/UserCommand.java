package io.userdb.cli;

import io.userdb.auth.AccountService;
import io.userdb.auth.Caller;
import io.userdb.db.DatabaseAccess;
import io.userdb.db.ProfileChange;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserPage;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code userdb user ...}: manage accounts from the shell, also while the server runs. */
@Command(
    name = "user",
    description = "Manage users.",
    mixinStandardHelpOptions = true,
    subcommands = {
      UserCommand.Add.class,
      UserCommand.Passwd.class,
      UserCommand.ListUsers.class,
      UserCommand.Delete.class,
      UserCommand.Disable.class,
      UserCommand.Enable.class,
      UserRolesCommand.class
    })
final class UserCommand {

  @Command(name = "add", description = "Create a user.", mixinStandardHelpOptions = true)
  static final class Add implements java.util.concurrent.Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "admin, user or guest; repeatable (default user).")
    List<String> roles;

    @Option(names = "--display-name", paramLabel = "TEXT")
    String displayName;

    @Option(names = "--email", paramLabel = "ADDRESS")
    String email;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      try (UserDatabase db = database.open()) { // a wrong --db is said before asking for a password
        String password = PasswordInput.read(passwordStdin);
        Set<String> granted =
            roles == null || roles.isEmpty() ? Set.of(Caller.USER) : Set.copyOf(roles);
        User user =
            DatabaseOptions.accounts()
                .create(
                    DatabaseAccess.of(db),
                    name,
                    password,
                    displayName,
                    email,
                    granted,
                    DatabaseOptions.origin());
        System.out.println("created user " + user.username());
      }
      return 0;
    }
  }

  @Command(
      name = "passwd",
      description = "Set a user's password; ends their sessions.",
      mixinStandardHelpOptions = true)
  static final class Passwd implements java.util.concurrent.Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      try (UserDatabase db = database.open()) {
        requireUser(db, name);
        String password = PasswordInput.read(passwordStdin);
        DatabaseOptions.accounts()
            .changePassword(DatabaseAccess.of(db), name, password, null, DatabaseOptions.origin());
        System.out.println("changed the password of " + name);
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List users.", mixinStandardHelpOptions = true)
  static final class ListUsers implements java.util.concurrent.Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Override
    public Integer call() {
      try (UserDatabase db = database.open()) {
        int pageSize = 500;
        for (int offset = 0; ; offset += pageSize) {
          UserPage page = db.listUsers("", offset, pageSize);
          for (User user : page.users()) {
            System.out.printf(
                "%-24s %-16s %-8s %s%n",
                user.username(),
                String.join(",", new TreeSet<>(user.roles())),
                user.disabled() ? "disabled" : "enabled",
                user.displayName());
          }
          if (page.users().size() < pageSize) {
            return 0;
          }
        }
      }
    }
  }

  @Command(
      name = "delete",
      description = "Delete a user and their sessions.",
      mixinStandardHelpOptions = true)
  static final class Delete implements java.util.concurrent.Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (UserDatabase db = database.open()) {
        if (!DatabaseOptions.accounts().delete(db, name, DatabaseOptions.origin())) {
          throw new CliException("no user " + name);
        }
        System.out.println("deleted user " + name);
      }
      return 0;
    }
  }

  @Command(
      name = "disable",
      description = "Disable a user; ends their sessions.",
      mixinStandardHelpOptions = true)
  static final class Disable implements java.util.concurrent.Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return setDisabled(database, name, true);
    }
  }

  @Command(
      name = "enable",
      description = "Enable a disabled user.",
      mixinStandardHelpOptions = true)
  static final class Enable implements java.util.concurrent.Callable<Integer> {
    @Mixin DatabaseOptions database;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return setDisabled(database, name, false);
    }
  }

  private static int setDisabled(DatabaseOptions database, String name, boolean disabled) {
    try (UserDatabase db = database.open()) {
      AccountService accounts = DatabaseOptions.accounts();
      accounts
          .update(db, name, ProfileChange.disabled(disabled), DatabaseOptions.origin())
          .orElseThrow(() -> new CliException("no user " + name));
      System.out.println((disabled ? "disabled" : "enabled") + " user " + name);
    }
    return 0;
  }

  private static void requireUser(UserDatabase db, String name) {
    if (db.findUser(name).isEmpty()) {
      throw new CliException("no user " + name);
    }
  }
}
