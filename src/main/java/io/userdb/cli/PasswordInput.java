package io.userdb.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a new password from standard input (one line) or, interactively, twice from the terminal.
 */
final class PasswordInput {

  private PasswordInput() {}

  static String read(boolean fromStdin) throws IOException {
    if (fromStdin) {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = reader.readLine();
      if (line == null || line.isEmpty()) {
        throw new CliException("no password on standard input");
      }
      return line;
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException("no terminal to ask for the password: use --password-stdin");
    }
    char[] first = console.readPassword("New password: ");
    char[] second = console.readPassword("Repeat it: ");
    try {
      if (first == null || !Arrays.equals(first, second)) {
        throw new CliException("the passwords differ");
      }
      return new String(first);
    } finally {
      if (first != null) {
        Arrays.fill(first, ' ');
      }
      if (second != null) {
        Arrays.fill(second, ' ');
      }
    }
  }
}
