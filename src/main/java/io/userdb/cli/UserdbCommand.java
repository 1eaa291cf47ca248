package io.userdb.cli;

import io.userdb.config.ConfigException;
import io.userdb.failure.UserFacing;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
      BackupCommand.class,
      CopyCommand.class,
      AuditCommand.class
    })
public final class UserdbCommand {

  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  /** A bug: the failure is printed with its stack trace, for a report. */
  public static final int EXIT_INTERNAL_ERROR = 3;

  private UserdbCommand() {}

  /**
   * Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage, 3 internal error.
   */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new UserdbCommand());
    commandLine.setParameterExceptionHandler(
        (e, ignored) -> {
          System.err.println("userdb: " + e.getMessage() + " (see --help)");
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> report(e, System.err));
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

  /**
   * Prints why a command failed and returns its exit code. A failure meant for users ({@link
   * UserFacing}, or the system's word on a file) is one line, exit code 1; anything else is a bug
   * and must not pass for a user's mistake: it is printed as an internal error with its stack
   * trace, exit code 3.
   */
  public static int report(Throwable e, PrintStream err) {
    if (e instanceof ConfigException) {
      err.println("userdb: configuration: " + e.getMessage());
      return EXIT_FAILURE;
    }
    if (e instanceof UserFacing) {
      err.println("userdb: " + e.getMessage());
      return EXIT_FAILURE;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      // A file or stream the user named could not be read or written; the system says why.
      err.println("userdb: I/O error: " + e.getMessage());
      return EXIT_FAILURE;
    }
    err.println("userdb: internal error, please report it with what follows: " + e);
    e.printStackTrace(err);
    return EXIT_INTERNAL_ERROR;
  }
}
