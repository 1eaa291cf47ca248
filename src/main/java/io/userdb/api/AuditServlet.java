package io.userdb.api;

import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.audit.EcsEvent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/audit}: the audit log for admins, newest first, in Elastic Common Schema names.
 * Filters: {@code user} (as actor or target), {@code action}, {@code outcome}, {@code since} and
 * {@code until} (ISO-8601 instants); pages by {@code before} (the {@code next} of the page before)
 * and {@code limit}. A search waits for its turn as a listing does.
 */
final class AuditServlet extends ApiServlet {

  private static final long serialVersionUID = 1L;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;
  private static final Pattern ACTION = Pattern.compile("[a-z_]{1,32}\\.[a-z_]{1,32}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

  AuditServlet(ApiContext ctx) {
    super(ctx);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    withCaller(
        request,
        (access, caller) -> {
          requireAdmin(caller); // first: the parameters' rules are for admins to learn
          int limit = (int) longParameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
          AuditQuery query = query(request, limit + 1); // one more: is there a next page?
          List<AuditRecord> found = ctx.costlyQueries().run(access, db -> db.findAudit(query));
          List<AuditRecord> page = found.subList(0, Math.min(limit, found.size()));
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("events", page.stream().map(EcsEvent::of).toList());
          body.put(
              "next",
              found.size() <= limit ? null : Long.toString(page.get(page.size() - 1).seq()));
          reply(access, response, 200, body);
        });
  }

  private static AuditQuery query(HttpServletRequest request, int limit) {
    String user = matching(request, "user", NAME);
    String action = matching(request, "action", ACTION);
    String outcome = request.getParameter("outcome");
    if (outcome != null && !outcome.equals("success") && !outcome.equals("failure")) {
      throw ApiException.badRequest("invalid_parameter", "outcome must be success or failure");
    }
    long before = longParameter(request, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    return AuditQuery.newest(
        user, action, outcome, instant(request, "since"), instant(request, "until"), before, limit);
  }

  private static String matching(HttpServletRequest request, String name, Pattern pattern) {
    String value = request.getParameter(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!pattern.matcher(value).matches()) {
      throw ApiException.badRequest("invalid_parameter", name + " is not a valid " + name);
    }
    return value;
  }

  private static Instant instant(HttpServletRequest request, String name) {
    String value = request.getParameter(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      Instant instant = Instant.parse(value);
      instant
          .toEpochMilli(); // records keep milliseconds: a year past them is refused here, not a 500
      return instant;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw ApiException.badRequest(
          "invalid_parameter", name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  private static long longParameter(
      HttpServletRequest request, String name, long fallback, long min, long max) {
    String value = request.getParameter(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_parameter", name + " must be a whole number from " + min + " to " + max);
  }
}
