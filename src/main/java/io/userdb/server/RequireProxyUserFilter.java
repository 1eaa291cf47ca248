package io.userdb.server;

import io.userdb.http.Json;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * In the proxy-authentication deployment, refuses every request that Apache did not authenticate
 * (no REMOTE_USER over AJP), but exactly {@code /health}. Apache requires its own sign-in for all
 * else; this filter makes a hole in Apache's matching (a path Apache reads one way and Tomcat
 * another) or a request that bypasses Apache (the loopback HTTP port) end here instead of at the
 * API's own sign-in.
 */
final class RequireProxyUserFilter implements Filter {

  static final String OPEN_PATH = "/health";

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    String user = request.getRemoteUser();
    // The raw request URI, as sent: no parameter stripping or dot-segment resolution to hide in.
    if ((user != null && !user.isEmpty()) || OPEN_PATH.equals(request.getRequestURI())) {
      chain.doFilter(req, res);
      return;
    }
    Json.writeError(
        (HttpServletResponse) res, 401, "authentication_required", "sign in through Apache first");
  }
}
