package io.userdb;

import io.userdb.cli.UserdbCommand;

/** Entry point of {@code java -jar userdb.jar}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Logging.configure();
    System.exit(UserdbCommand.run(args));
  }
}
