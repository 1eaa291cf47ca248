package io.userdb.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /api/me}: who the service thinks is asking, and how it knows. */
final class MeServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;

  private final transient MeBodies bodies = new MeBodies();

  MeServlet(ApiContext ctx) {
    super(ctx);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    withCaller(
        request,
        (access, caller) ->
            replyRendered(
                access,
                response,
                200,
                bodies.of(caller.orElseThrow(ApiException::authenticationRequired))));
  }
}
