package io.userdb.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.userdb.server.TomcatSettings;
import io.userdb.server.UserdbServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The baseline: userdb's own Tomcat setup (same connectors, filter and error valve) serving a fixed
 * 60-byte JSON, so that userdb's work per request can be told apart from the cost of HTTP, AJP and
 * Apache. Benchmark only, not part of the product.
 *
 * <pre>java -cp ... io.userdb.bench.TrivialServer AJP_SECRET</pre>
 */
public final class TrivialServer {

  static final byte[] BODY =
      "{\"status\":\"ok\",\"service\":\"trivial\",\"padding\":\"012345678901\"}"
          .getBytes(StandardCharsets.UTF_8);

  private TrivialServer() {}

  /** Answers every GET with {@link #BODY}. */
  static HttpServlet servlet() {
    return new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response)
          throws IOException {
        response.setContentType("application/json");
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
      }
    };
  }

  public static void main(String[] args) throws Exception {
    UserdbServer server =
        new UserdbServer(
            new TomcatSettings("127.0.0.1", 0, "127.0.0.1", 0, args[0], false, false, 200, ""),
            Map.of("/trivial", servlet()),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    System.out.println("userdb: http listening on 127.0.0.1:" + server.httpPort());
    System.out.println("userdb: ajp listening on 127.0.0.1:" + server.ajpPort());
    System.out.println("trivial body bytes: " + BODY.length);
    new CountDownLatch(1).await();
  }
}
