package io.userdb.cli;

import io.userdb.failure.UserFacing;

/** A command failed for a reason its message explains in one line (exit code 1). */
final class CliException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
