package io.userdb.bench;

import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.ajp.AjpNioProtocol;

/**
 * The baseline a user would compare userdb with: an embedded Tomcat as its own documentation sets
 * one up (Tomcat's defaults: no filter, no valve of userdb's, default thread pool), one servlet
 * answering the same 60-byte JSON as {@link TrivialServer}, over HTTP and AJP (with the secret
 * Apache gives, as Tomcat requires). Benchmark only, not part of the product.
 *
 * <pre>java -cp ... io.userdb.bench.BareTomcatServer AJP_SECRET</pre>
 */
public final class BareTomcatServer {

  private BareTomcatServer() {}

  public static void main(String[] args) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("bare-tomcat").toString());
    tomcat.setHostname("127.0.0.1");
    Connector http = new Connector();
    http.setProperty("address", "127.0.0.1");
    http.setPort(0);
    tomcat.getService().addConnector(http);
    tomcat.setConnector(http);
    Connector ajp = new Connector(AjpNioProtocol.class.getName());
    ajp.setProperty("address", "127.0.0.1");
    ajp.setProperty("secret", args[0]);
    ajp.setPort(0);
    tomcat.getService().addConnector(ajp);

    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "trivial", TrivialServer.servlet());
    context.addServletMappingDecoded("/trivial", "trivial");
    tomcat.start();
    System.out.println("userdb: http listening on 127.0.0.1:" + http.getLocalPort());
    System.out.println("userdb: ajp listening on 127.0.0.1:" + ajp.getLocalPort());
    tomcat.getServer().await();
  }
}
