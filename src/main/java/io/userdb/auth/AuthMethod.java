package io.userdb.auth;

/** How a request proved who it is, in the order they are tried. */
public enum AuthMethod {
  SESSION,
  BASIC,
  PROXY,
  DEFAULT;

  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
