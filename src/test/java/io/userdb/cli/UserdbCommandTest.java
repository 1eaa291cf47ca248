package io.userdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.auth.InvalidInputException;
import io.userdb.config.ConfigException;
import io.userdb.db.DatabaseException;
import io.userdb.db.DuplicateUserException;
import io.userdb.failure.StartupException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a failed command prints: one line for what users can fix, the whole trace for a bug. */
class UserdbCommandTest {

  private record Printed(int exitCode, String text) {
    List<String> lines() {
      return text.lines().toList();
    }
  }

  private static Printed report(Throwable failure) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = UserdbCommand.report(failure, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Printed(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void failures_meant_for_users_are_one_line_and_exit_1() {
    Map<Throwable, String> cases =
        Map.of(
            new ConfigException(
                "http-port must be -1 (off), 0 (any free port) or 1-65535, not 70000"),
            "userdb: configuration: http-port must be -1 (off), 0 (any free port) or 1-65535, not 70000",
            new CliException("no user bob"),
            "userdb: no user bob",
            new DatabaseException(
                "cannot create database /x/userdb.db: denied", new java.io.IOException("denied")),
            "userdb: cannot create database /x/userdb.db: denied",
            new DuplicateUserException("bob"),
            "userdb: user 'bob' exists already",
            new InvalidInputException("invalid_password", "a password needs at least 8 characters"),
            "userdb: a password needs at least 8 characters",
            new StartupException("cannot listen on http 127.0.0.1:8080: Address already in use"),
            "userdb: cannot listen on http 127.0.0.1:8080: Address already in use",
            new NoSuchFileException("users.htpasswd"),
            "userdb: I/O error: users.htpasswd");
    cases.forEach(
        (failure, line) -> {
          Printed printed = report(failure);
          assertEquals(UserdbCommand.EXIT_FAILURE, printed.exitCode(), failure.toString());
          assertEquals(List.of(line), printed.lines());
        });
  }

  @Test
  void a_bug_is_reported_as_an_internal_error_with_its_stack_trace_not_as_a_user_message() {
    List<Throwable> bugs =
        List.of(
            nullPointerFromInside(),
            new IllegalStateException("lease already closed"),
            new IllegalArgumentException("pool max total must be at least 1"),
            new StackOverflowError());
    for (Throwable bug : bugs) {
      Printed printed = report(bug);
      assertEquals(UserdbCommand.EXIT_INTERNAL_ERROR, printed.exitCode(), printed.text());
      assertTrue(printed.lines().get(0).startsWith("userdb: internal error"), printed.text());
      assertTrue(
          printed.lines().get(0).contains(bug.getClass().getName()),
          "names what was thrown: " + printed.text());
      assertTrue(
          printed.lines().stream()
              .anyMatch(line -> line.contains("at " + UserdbCommandTest.class.getName())),
          "the stack trace follows: " + printed.text());
    }
  }

  private static Throwable nullPointerFromInside() {
    try {
      String missing = Map.<String, String>of().get("absent");
      return new AssertionError("no NullPointerException: " + missing.length());
    } catch (NullPointerException e) {
      return e;
    }
  }
}
