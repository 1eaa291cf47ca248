package io.userdb.api;

import jakarta.servlet.http.HttpServlet;
import java.util.LinkedHashMap;
import java.util.Map;

/** The API's part of the URL space: path patterns and the servlet that serves each. */
public final class ApiRoutes {

  private ApiRoutes() {}

  public static Map<String, HttpServlet> servlets(ApiContext ctx) {
    UsersServlet users = new UsersServlet(ctx);
    Map<String, HttpServlet> routes = new LinkedHashMap<>();
    routes.put("/health", new HealthServlet(ctx));
    routes.put("/metrics", new MetricsServlet(ctx));
    routes.put("/api/session", new SessionServlet(ctx));
    routes.put("/api/me", new MeServlet(ctx));
    routes.put("/api/users", users);
    routes.put("/api/users/*", users);
    routes.put("/api/audit", new AuditServlet(ctx));
    routes.put("/", new NotFoundServlet(ctx));
    return routes;
  }
}
