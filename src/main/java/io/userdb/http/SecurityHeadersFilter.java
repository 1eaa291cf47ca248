package io.userdb.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers that make a browser safe with every answer: never inside a frame, no content sniffing, no
 * referrer sent on, and a content security policy. The default policy is for JSON, which loads
 * nothing (OWASP's advice for REST answers, and 40 bytes where the pages' policy is 200 on the
 * hottest answers); the console's pages replace it with {@link #PAGE_POLICY}.
 */
public final class SecurityHeadersFilter implements Filter {

  static final String JSON_POLICY = "default-src 'none'; frame-ancestors 'none'";

  /** For the console's pages: only this origin's scripts and styles, no inline script, no CDN. */
  public static final String PAGE_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    apply((HttpServletResponse) response);
    chain.doFilter(request, response);
  }

  /** Sets the headers; also for error answers, which reset the response first. */
  public static void apply(HttpServletResponse response) {
    response.setHeader("Content-Security-Policy", JSON_POLICY);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
  }
}
