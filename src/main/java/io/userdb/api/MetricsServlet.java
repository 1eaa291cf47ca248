package io.userdb.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} in Prometheus text format, for clients on loopback (a local scraper or
 * agent) and for admins. Behind Apache the remote address is the real client's, so remote scrapers
 * need admin credentials.
 */
final class MetricsServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;

  MetricsServlet(ApiContext ctx) {
    super(ctx);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!isLoopback(request.getRemoteAddr())) {
      withCaller(request, (access, caller) -> requireAdmin(caller));
    }
    byte[] body = ctx.metrics().scrape().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setContentType("text/plain; version=0.0.4; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static boolean isLoopback(String address) {
    try {
      // A literal address from the connector: no name lookup happens here.
      return address != null && InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
