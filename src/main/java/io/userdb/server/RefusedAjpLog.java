package io.userdb.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.apache.catalina.AccessLog;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ajp.AbstractAjpProtocol;

/**
 * Logs AJP requests the connector refused before any servlet saw them: a wrong or missing secret,
 * or a request attribute Apache never sends (a Ghostcat probe). Tomcat answers those with 403 and
 * logs nothing; it does hand them to the access log, which this is. One line per {@link #INTERVAL}
 * at most, naming the socket's peer (not the client address the request claims) and how many more
 * were refused since; never the secret offered. Each refusal is also handed, with the peer, to the
 * listener set by {@link UserdbServer#onRefusedAjp} (the audit log, which coalesces them).
 */
final class RefusedAjpLog extends ValveBase implements AccessLog {

  private static final Logger LOG = Logger.getLogger(RefusedAjpLog.class.getName());
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final AtomicLong nextLineAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger suppressed = new AtomicInteger();
  private volatile Consumer<String> listener = peer -> {};

  RefusedAjpLog() {
    super(true);
  }

  void onRefused(Consumer<String> listener) {
    this.listener = listener;
  }

  @Override
  public void invoke(Request request, Response response)
      throws IOException, jakarta.servlet.ServletException {
    getNext().invoke(request, response);
  }

  @Override
  public void log(Request request, Response response, long time) {
    boolean refusedByConnector =
        response.getStatus() == 403
            && request.getContext() == null
            && request.getConnector() != null
            && request.getConnector().getProtocolHandler() instanceof AbstractAjpProtocol<?>;
    if (!refusedByConnector) {
      return;
    }
    listener.accept(request.getPeerAddr());
    long now = System.nanoTime();
    long due = nextLineAt.get();
    if ((due != Long.MIN_VALUE && now - due < 0)
        || !nextLineAt.compareAndSet(due, now + INTERVAL.toNanos())) {
      suppressed.incrementAndGet();
      return;
    }
    int more = suppressed.getAndSet(0);
    LOG.warning(
        "refused an AJP request from "
            + request.getPeerAddr()
            + ": wrong or missing secret, or a request attribute Apache does not send"
            + (more > 0 ? " (" + more + " more since the last such line)" : ""));
  }

  @Override
  public void setRequestAttributesEnabled(boolean enabled) {
    // The peer is read from the socket; nothing to take from request attributes.
  }

  @Override
  public boolean getRequestAttributesEnabled() {
    return false;
  }
}
