package io.userdb.cli;

import io.userdb.config.ConfigException;
import io.userdb.db.DatabaseException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code userdb} command line: {@code serve} (the default) and the admin commands. */
@Command(
    name = "userdb",
    description = "User database behind Apache httpd: a pooled user store on embedded Tomcat.",
    mixinStandardHelpOptions = true,
    version = "userdb 0.1.0",
    subcommands = {
      ServeCommand.class,
      UserCommand.class,
      ImportHtpasswdCommand.class,
      BackupCommand.class
    })
public final class UserdbCommand {

  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  private UserdbCommand() {}

  /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new UserdbCommand());
    commandLine.setParameterExceptionHandler(
        (e, ignored) -> {
          System.err.println("userdb: " + e.getMessage() + " (see --help)");
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          System.err.println("userdb: " + describe(e));
          return EXIT_FAILURE;
        });
    return commandLine.execute(withDefaultCommand(args));
  }

  /** No subcommand, or only options: that is {@code serve}. */
  static String[] withDefaultCommand(String[] args) {
    boolean onlyOptions = args.length == 0 || args[0].startsWith("-");
    boolean askingForHelp =
        args.length == 1 && Arrays.asList("-h", "--help", "-V", "--version").contains(args[0]);
    if (!onlyOptions || askingForHelp) {
      return args;
    }
    String[] withServe = new String[args.length + 1];
    withServe[0] = "serve";
    System.arraycopy(args, 0, withServe, 1, args.length);
    return withServe;
  }

  private static String describe(Exception e) {
    if (e instanceof ConfigException) {
      return "configuration: " + e.getMessage();
    }
    if (e instanceof CliException || e instanceof DatabaseException || e instanceof IllegalStateException
        || e instanceof io.userdb.auth.InvalidInputException || e instanceof io.userdb.db.DuplicateUserException
        || e instanceof io.userdb.db.LastAdminException) {
      return e.getMessage();
    }
    if (e instanceof java.io.IOException) {
      return "I/O error: " + e.getMessage();
    }
    return e.toString();
  }
}
