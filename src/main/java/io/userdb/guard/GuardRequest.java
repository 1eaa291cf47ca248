package io.userdb.guard;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one check from mod_authnz_fcgi asks, read from the CGI environment it sends. Apache sets
 * {@code REMOTE_USER}, {@code REMOTE_PASSWD} and {@code FCGI_APACHE_ROLE}; a client can set none of
 * them (its headers arrive as {@code HTTP_*}), nor the site's own {@code USERDB_*} variables.
 *
 * @param kind which of the three questions this is
 * @param remoteUser the user Apache names (the Basic name, or who it authenticated), or null
 * @param password the Basic password Apache read, or null
 * @param cookies the Cookie header, or null
 * @param authorization the Authorization header (passed only with {@code CGIPassAuth On}), or null
 * @param remoteAddress the client's address as Apache saw it
 * @param forwardedFor the X-Forwarded-For header, or null
 * @param method the request's method
 * @param uri the request's URI as the client sent it, query included
 * @param acceptsHtml whether the client asked for a page (a browser), rather than data
 * @param requiredRoles the site's {@code USERDB_REQUIRE_ROLE}: any one of them lets the caller in
 * @param defaultUserAllowed the site's {@code USERDB_ALLOW_DEFAULT_USER}: anonymous requests act as
 *     the default user here
 * @param secure whether the client came over TLS ({@code HTTPS=on})
 */
record GuardRequest(
    Kind kind,
    String remoteUser,
    String password,
    String cookies,
    String authorization,
    String remoteAddress,
    String forwardedFor,
    String method,
    String uri,
    boolean acceptsHtml,
    Set<String> requiredRoles,
    boolean defaultUserAllowed,
    boolean secure) {

  /** The site variable naming the roles a location admits (comma-separated, any one suffices). */
  static final String REQUIRE_ROLE = "USERDB_REQUIRE_ROLE";

  /** The site variable that lets anonymous requests in as the default user, set to {@code on}. */
  static final String ALLOW_DEFAULT_USER = "USERDB_ALLOW_DEFAULT_USER";

  enum Kind {
    /** {@code AuthBasicProvider}: are this name and password right? */
    PASSWORD,
    /** {@code Require}: may the user Apache authenticated in? */
    AUTHORIZE,
    /** {@code AuthnzFcgiCheckAuthnProvider}: who is this, from a session cookie or Basic? */
    IDENTIFY
  }

  static GuardRequest of(Map<String, String> env) {
    String password = env.get("REMOTE_PASSWD");
    String apacheRole = env.get("FCGI_APACHE_ROLE");
    Kind kind =
        password != null
            ? Kind.PASSWORD
            : "AUTHORIZER".equals(apacheRole) ? Kind.AUTHORIZE : Kind.IDENTIFY;
    String accept = env.getOrDefault("HTTP_ACCEPT", "");
    return new GuardRequest(
        kind,
        env.get("REMOTE_USER"),
        password,
        env.get("HTTP_COOKIE"),
        env.get("HTTP_AUTHORIZATION"),
        env.getOrDefault("REMOTE_ADDR", ""),
        env.get("HTTP_X_FORWARDED_FOR"),
        env.getOrDefault("REQUEST_METHOD", "GET"),
        env.getOrDefault("REQUEST_URI", "/"),
        accept.contains("text/html"),
        roles(env.get(REQUIRE_ROLE)),
        "on".equalsIgnoreCase(env.getOrDefault(ALLOW_DEFAULT_USER, "").trim()),
        "on".equalsIgnoreCase(env.get("HTTPS")));
  }

  private static Set<String> roles(String list) {
    if (list == null) {
      return Set.of();
    }
    return Arrays.stream(list.split(","))
        .map(String::trim)
        .filter(role -> !role.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The session cookie's value: the first {@code cookieName} in the Cookie header, or null. */
  String cookie(String cookieName) {
    if (cookies == null) {
      return null;
    }
    for (String pair : cookies.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(cookieName)) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }

  /** The answer a browser can follow (a redirect), rather than one a script reads (JSON). */
  boolean isPageRequest() {
    return acceptsHtml && (method.equals("GET") || method.equals("HEAD"));
  }
}
