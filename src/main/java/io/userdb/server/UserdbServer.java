package io.userdb.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.userdb.failure.StartupException;
import io.userdb.http.SecurityHeadersFilter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardServer;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The embedded Tomcat: an HTTP connector for direct use and an AJP connector for Apache httpd's
 * mod_proxy_ajp, both on loopback by default, serving the API servlets on platform threads
 * (commons-pool2 borrowing can stall under virtual threads, apache/commons-pool#339).
 */
public final class UserdbServer {

  private static final Logger LOG = Logger.getLogger(UserdbServer.class.getName());

  /**
   * The HTTP connector's wait for each read of a request, and (unset keepAliveTimeout follows it)
   * for the next request on a kept-alive connection. Tomcat's 60 s let a silent client hold a
   * request thread for a minute per byte; 10 s is ample for any client on a working network. Not on
   * AJP: there Apache's pooled connections sit idle between requests, closing them from this side
   * races Apache reusing them, and Apache's RequestReadTimeout already bounds how slowly a client
   * may send.
   */
  private static final Duration HTTP_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Body bytes Tomcat reads and discards after a response that left the body unread (a 408 at the
   * body deadline, a 413, 415 or 405), to keep the connection: none. Tomcat's 2 MiB is a limit in
   * bytes, not time, and a client trickling a byte per read timeout kept the thread that had just
   * answered it 408 for hours. With 0 it reads once more and closes.
   */
  private static final int HTTP_MAX_SWALLOW_BYTES = 0;

  private final Tomcat tomcat = new Tomcat();
  private final TomcatSettings settings;
  private final Path baseDir;
  private final RequestMetricsFilter requests;
  private Connector http;
  private Connector ajp;
  private RefusedAjpLog refusedAjp;

  public UserdbServer(
      TomcatSettings settings, Map<String, HttpServlet> routes, MeterRegistry registry) {
    try {
      baseDir = Files.createTempDirectory("userdb-tomcat");
    } catch (IOException e) {
      throw new StartupException("cannot create Tomcat's work folder: " + e, e);
    }
    this.settings = settings;
    tomcat.setBaseDir(baseDir.toString());
    // Tomcat's housekeeping threads must never be what keeps a stopping process alive.
    ((StandardServer) tomcat.getServer()).setUtilityThreadsAsDaemon(true);
    requests = new RequestMetricsFilter(registry, settings.jvmRoute());
    if (settings.httpPort() >= 0) {
      http = httpConnector(settings);
      tomcat.getService().addConnector(http);
    }
    if (settings.ajpPort() >= 0) {
      ajp = ajpConnector(settings);
      tomcat.getService().addConnector(ajp);
    }
    tomcat.setConnector(http != null ? http : ajp);
    if (!settings.jvmRoute().isEmpty()) {
      tomcat.getEngine().setJvmRoute(settings.jvmRoute());
    }
    if (ajp != null) {
      refusedAjp = new RefusedAjpLog();
      tomcat.getEngine().getPipeline().addValve(refusedAjp);
    }
    StandardHost host = (StandardHost) tomcat.getHost();
    host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
    host.setAutoDeploy(false);
    Context context = tomcat.addContext("", null);
    context.setSessionCookieName("USERDB_UNUSED"); // the API keeps no servlet sessions
    // Tomcat's leak detection at stop is for web applications redeployed into a running
    // server; userdb's one context lives as long as the process, and without --add-opens the
    // checks only print two warnings at every stop.
    StandardContext standard = (StandardContext) context;
    standard.setClearReferencesThreadLocals(false);
    standard.setClearReferencesRmiTargets(false);
    addFilter(context);
    routes.forEach(
        (pattern, servlet) -> {
          String name = servlet.getClass().getSimpleName();
          if (context.findChild(name) == null) {
            Tomcat.addServlet(context, name, servlet);
          }
          context.addServletMappingDecoded(pattern, name);
        });
  }

  private static Connector httpConnector(TomcatSettings settings) {
    Connector connector = new Connector("HTTP/1.1");
    bind(connector, settings.httpAddress(), settings.httpPort());
    common(connector, settings);
    return connector;
  }

  private static Connector ajpConnector(TomcatSettings settings) {
    Connector connector = new Connector(new ReasonPhraseAjpProtocol());
    bind(connector, settings.ajpAddress(), settings.ajpPort());
    connector.setProperty("secretRequired", "true");
    connector.setProperty("secret", settings.ajpSecret());
    connector.setProperty("packetSize", Integer.toString(TomcatSettings.AJP_PACKET_SIZE));
    // Only with --trust-proxy-user does Tomcat take the REMOTE_USER Apache sends.
    connector.setProperty("tomcatAuthentication", Boolean.toString(!settings.trustProxyUser()));
    common(connector, settings);
    return connector;
  }

  /**
   * Sets the address as a resolved {@link InetAddress}: given as a string property, an address
   * Tomcat cannot resolve is left unset, which binds every interface.
   */
  private static void bind(Connector connector, String address, int port) {
    try {
      ((AbstractProtocol<?>) connector.getProtocolHandler())
          .setAddress(InetAddress.getByName(address));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the address " + address, e);
    }
    connector.setPort(port);
    // Apache matches <Location> on the path it sees; Tomcat would strip ";params" and resolve
    // "..", reaching a path Apache never checked (/health/..;/api/me). Refuse such paths (400).
    // Only the typed setter works: setProperty("rejectSuspiciousURIs", ...) does nothing.
    connector.setRejectSuspiciousURIs(true);
  }

  private static void common(Connector connector, TomcatSettings settings) {
    connector.setProperty("maxThreads", Integer.toString(settings.maxThreads()));
    if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
      http.setConnectionTimeout((int) HTTP_CONNECTION_TIMEOUT.toMillis());
      http.setMaxSwallowSize(HTTP_MAX_SWALLOW_BYTES);
    }
    // No Server header, as Tomcat's default: it names the software to an attacker and costs every
    // answer a header (through Apache, clients see Apache's own, per its ServerTokens).
    connector.setThrowOnFailure(true);
    connector.setXpoweredBy(false);
  }

  private void addFilter(Context context) {
    addFilter(context, "requests", requests);
    addFilter(context, "security-headers", new SecurityHeadersFilter());
    if (settings.requireProxyUser()) {
      addFilter(context, "require-proxy-user", new RequireProxyUserFilter());
    }
  }

  private static void addFilter(Context context, String name, jakarta.servlet.Filter filter) {
    FilterDef def = new FilterDef();
    def.setFilterName(name);
    def.setFilter(filter);
    def.setAsyncSupported("false");
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName(name);
    map.addURLPattern("/*");
    context.addFilterMap(map);
  }

  /** Starts listening; fails (before serving anything) if a connector cannot bind. */
  /**
   * Whom to tell, with the socket's peer address, of each AJP request the connector refused (a
   * wrong or missing secret, an attribute Apache does not send); called on Tomcat's request thread,
   * so it must be quick and not throw. Nothing happens without an AJP connector.
   */
  public void onRefusedAjp(Consumer<String> listener) {
    if (refusedAjp != null) {
      refusedAjp.onRefused(listener);
    }
  }

  public void start() {
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      stopQuietly();
      throw new StartupException("cannot listen on " + addresses() + ": " + rootMessage(e), e);
    }
    for (Connector connector : connectors()) {
      if (connector.getState() != LifecycleState.STARTED) {
        stopQuietly();
        throw new StartupException("cannot listen on " + addresses());
      }
    }
  }

  /** The address the HTTP connector was given to bind, as Tomcat holds it; null without one. */
  public String httpAddress() {
    return http == null ? null : boundAddress(http);
  }

  public String ajpAddress() {
    return ajp == null ? null : boundAddress(ajp);
  }

  private static String boundAddress(Connector connector) {
    InetAddress address = ((AbstractProtocol<?>) connector.getProtocolHandler()).getAddress();
    return address == null ? "*" : address.getHostAddress();
  }

  /** The HTTP port really bound, or -1 without an HTTP connector. */
  public int httpPort() {
    return http == null ? -1 : http.getLocalPort();
  }

  public int ajpPort() {
    return ajp == null ? -1 : ajp.getLocalPort();
  }

  /** Stops accepting, lets requests in flight finish for up to {@code grace}, then stops. */
  public void stop(Duration grace) {
    for (Connector connector : connectors()) {
      connector.pause();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (requests.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (requests.inFlight() > 0) {
      LOG.warning(
          requests.inFlight()
              + " requests still running after "
              + grace.toSeconds()
              + " s; stopping anyway");
    }
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      LOG.warning("stopping Tomcat: " + e.getMessage());
    }
    deleteRecursively(baseDir);
  }

  private String addresses() {
    List<String> list = new ArrayList<>();
    if (http != null) {
      list.add("http " + settings.httpAddress() + ":" + settings.httpPort());
    }
    if (ajp != null) {
      list.add("ajp " + settings.ajpAddress() + ":" + settings.ajpPort());
    }
    return String.join(", ", list);
  }

  private List<Connector> connectors() {
    List<Connector> list = new ArrayList<>();
    if (http != null) {
      list.add(http);
    }
    if (ajp != null) {
      list.add(ajp);
    }
    return list;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder is harmless.
    }
  }
}
