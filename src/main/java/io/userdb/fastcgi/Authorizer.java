package io.userdb.fastcgi;

import java.util.Map;

/** Decides one check: what Apache sent (the request's CGI environment) in, the answer out. */
@FunctionalInterface
public interface Authorizer {

  /**
   * Called on one of the listener's threads, never Tomcat's. Should not throw: an exception is
   * logged and answered as a 500, which Apache turns into a refusal.
   */
  AuthorizerResponse authorize(Map<String, String> params);
}
