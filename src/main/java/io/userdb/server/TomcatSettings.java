package io.userdb.server;

/**
 * What the Tomcat side needs to know: where to listen, the AJP secret (already resolved), whether
 * Apache's REMOTE_USER is trusted and whether it is required on every request but {@code /health},
 * and the route name an Apache balancer knows this backend by (empty when not balanced). Port -1
 * means "no such connector", 0 "any free port".
 */
public record TomcatSettings(
    String httpAddress,
    int httpPort,
    String ajpAddress,
    int ajpPort,
    String ajpSecret,
    boolean trustProxyUser,
    boolean requireProxyUser,
    int maxThreads,
    String jvmRoute) {

  /** Matches mod_proxy_ajp's ProxyIOBufferSize in httpd-conf: headers and cookies up to 64 KiB. */
  public static final int AJP_PACKET_SIZE = 65536;
}
