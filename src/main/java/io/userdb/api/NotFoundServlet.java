package io.userdb.api;

import io.userdb.http.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Everything no other servlet claims: a JSON 404, never Tomcat's HTML page. */
final class NotFoundServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;

  NotFoundServlet(ApiContext ctx) {
    super(ctx);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Json.writeError(response, 404, "not_found", "no such resource");
  }
}
