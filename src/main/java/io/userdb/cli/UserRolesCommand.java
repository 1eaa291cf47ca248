package io.userdb.cli;

import io.userdb.db.ProfileChange;
import io.userdb.db.User;
import io.userdb.db.UserDatabase;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code userdb user roles NAME --role R... [--enable]}: replaces a user's roles. It is the way
 * back in when no one can sign in as an admin (the only admin disabled or demoted by hand in SQL):
 * it works on the file, with no sign-in. Like the API, it refuses to take away the last enabled
 * admin.
 */
@Command(
    name = "roles",
    description = "Replace a user's roles; with --enable also enable the account.",
    mixinStandardHelpOptions = true)
final class UserRolesCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      required = true,
      description = "admin, user or guest; repeatable; replaces every role the user had.")
  List<String> roles;

  @Option(names = "--enable", description = "Enable the account too, if it is disabled.")
  boolean enable;

  @Override
  public Integer call() {
    try (UserDatabase db = database.open()) {
      ProfileChange change =
          new ProfileChange(null, null, Set.copyOf(roles), enable ? Boolean.FALSE : null);
      User user =
          DatabaseOptions.accounts()
              .update(db, name, change, DatabaseOptions.origin())
              .orElseThrow(() -> new CliException("no user " + name));
      System.out.println(
          "user "
              + user.username()
              + " has the roles "
              + String.join(",", new TreeSet<>(user.roles()))
              + (user.disabled() ? " (disabled)" : ""));
    }
    return 0;
  }
}
