package io.userdb.cli;

/** Entry point of {@code java -jar userdb.jar}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Logging.configure();
    int code = UserdbCommand.EXIT_FAILURE;
    try {
      code = UserdbCommand.run(args);
    } catch (Throwable t) {
      // Whatever escapes (an Error, say), the process must end rather than linger half-stopped.
      code = UserdbCommand.report(t, System.err);
    } finally {
      System.exit(code);
    }
  }
}
