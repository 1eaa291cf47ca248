package io.userdb.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.userdb.http.SecurityHeadersFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times every request into a histogram by method and status, and counts requests in flight so that
 * a graceful shutdown knows when the last one has finished. Also names the backend that answered
 * (X-Userdb-Route); the browser-safety headers are {@link SecurityHeadersFilter}'s.
 */
final class RequestMetricsFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  private final transient MeterRegistry registry;
  private final String route;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param route this backend's balancer route, sent as X-Userdb-Route; empty for none
   */
  RequestMetricsFilter(MeterRegistry registry, String route) {
    this.registry = registry;
    this.route = route;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    if (!route.isEmpty()) {
      // Which backend answered: what an admin needs when one member of a balancer misbehaves.
      response.setHeader("X-Userdb-Route", route);
    }
    try {
      chain.doFilter(request, response);
    } finally {
      inFlight.decrementAndGet();
      timer(request.getMethod(), response.getStatus())
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The timer of one method and status, registered on first use and then found by two array
   * indexes: looking it up in the registry on every request showed in profiles.
   */
  private Timer timer(String method, int status) {
    int m = METHODS.indexOf(knownMethod(method));
    int s = status >= 100 && status < 600 ? status : 599;
    Timer timer = timers[m][s];
    if (timer == null) {
      timer =
          Timer.builder("http.server.requests")
              .description("HTTP requests by method and status")
              .tag("method", METHODS.get(m))
              .tag("status", Integer.toString(s))
              .publishPercentileHistogram()
              .register(registry);
      timers[m][s] = timer; // a benign race: register() returns the same timer to everyone
    }
    return timer;
  }

  int inFlight() {
    return inFlight.get();
  }

  private static final java.util.List<String> METHODS =
      java.util.List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER");
  private final transient Timer[][] timers = new Timer[METHODS.size()][600];

  /** Keeps label cardinality bounded whatever methods clients invent. */
  private static String knownMethod(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" -> method;
      default -> "OTHER";
    };
  }
}
