package io.userdb.server;

import io.userdb.http.Json;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Replaces Tomcat's HTML error page (which names the server and may show a stack trace) with the
 * API's JSON error form, for errors raised outside our servlets: a rejected URL, an unsupported
 * method, a failure in a filter.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

  private static final Logger LOG = Logger.getLogger(JsonErrorReportValve.class.getName());

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    if (status == 501) {
      // Tomcat's answer to a method it does not implement (CONNECT): for the API that is a
      // method not allowed, the client's mistake, as for any other method userdb does not serve.
      response.setStatus(405);
      status = 405;
    }
    if (throwable != null) {
      // A 4xx here is a malformed request Tomcat refused: the client's problem, not ours.
      LOG.log(
          status >= 500 ? Level.SEVERE : Level.FINE,
          "failure on " + request.getRequestURI(),
          throwable);
    }
    try {
      response.resetBuffer();
      String message = status >= 500 ? "unexpected error" : "request refused";
      Json.writeError(response, status, Json.codeFor(status), message);
      response.finishResponse();
    } catch (IOException | IllegalStateException e) {
      LOG.log(Level.FINE, "could not write an error response", e);
    }
  }
}
