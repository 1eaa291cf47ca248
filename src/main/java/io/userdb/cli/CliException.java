package io.userdb.cli;

/** A command failed for a reason its message explains in one line (exit code 1). */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
