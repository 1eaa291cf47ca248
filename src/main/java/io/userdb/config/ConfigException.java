package io.userdb.config;

/** Configuration that cannot work; its message names the option and the problem in one line. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
