package io.userdb.config;

import io.userdb.failure.UserFacing;

/** Configuration that cannot work; its message names the option and the problem in one line. */
public class ConfigException extends RuntimeException implements UserFacing {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
