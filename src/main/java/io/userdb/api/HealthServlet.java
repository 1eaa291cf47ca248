package io.userdb.api;

import io.userdb.db.DatabaseException;
import io.userdb.db.UserDatabasePool;
import io.userdb.http.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: UP with the pool's numbers when the database answers, else 503 DOWN with a
 * generic reason. Anyone may ask, so why it is down (path, the store's error) is only logged.
 */
final class HealthServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;
  static final String DOWN_REASON = "database unavailable";

  private final transient HealthLog log = new HealthLog();

  HealthServlet(ApiContext ctx) {
    super(ctx);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    boolean up = false;
    String detail = null;
    // Twice: an object left over from a fault (opened while the file was read-only, say) fails
    // its check and is destroyed; the question is whether a fresh one works now.
    for (int attempt = 0; attempt < 2 && !up; attempt++) {
      try (UserDatabasePool.Lease lease = ctx.pool().borrow()) {
        up = lease.db().isUsable();
        detail = up ? null : "the database does not answer";
      } catch (DatabaseException e) {
        detail = e.getMessage();
      }
    }
    if (up) {
      log.up();
    } else {
      log.down(detail);
    }
    UserDatabasePool.PoolStats stats = ctx.pool().stats();
    Map<String, Object> pool = new LinkedHashMap<>();
    pool.put("active", stats.active());
    pool.put("idle", stats.idle());
    pool.put("maxTotal", stats.maxTotal());
    pool.put("waiters", stats.waiters());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    if (!up) {
      body.put("reason", DOWN_REASON);
    }
    body.put("pool", pool);
    if (!ctx.route().isEmpty()) {
      body.put("route", ctx.route());
    }
    Json.write(response, up ? 200 : 503, body);
  }
}
