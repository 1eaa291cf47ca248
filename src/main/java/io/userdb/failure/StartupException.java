package io.userdb.failure;

/**
 * The machine does not allow what userdb needs to start: a port it cannot listen on, a work folder
 * it cannot create. The message names the resource and the system's reason.
 */
public class StartupException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  public StartupException(String message) {
    super(message);
  }
}
