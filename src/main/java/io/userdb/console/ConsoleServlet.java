package io.userdb.console;

import io.userdb.audit.AuditAction;
import io.userdb.http.Json;
import io.userdb.http.SecurityHeadersFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The admin console's static files, read from the jar once at start: a fixed list, so no path a
 * client sends can name anything else, and {@code audit-actions.js} made from {@link AuditAction}
 * (the audit view's choice of actions, so it never lags the actions recorded). {@code /} and {@code
 * /console} redirect to {@code /console/}; unknown names get the API's JSON 404.
 */
public final class ConsoleServlet extends HttpServlet {

  /**
   * The console's part of the URL space: the root (a redirect here) and everything under /console.
   */
  public static java.util.Map<String, jakarta.servlet.http.HttpServlet> routes() {
    ConsoleServlet console = new ConsoleServlet();
    return java.util.Map.of("", console, "/console", console, "/console/*", console);
  }

  private static final long serialVersionUID = 1L;

  private record Asset(byte[] bytes, String type) {}

  private static final String SCRIPT = "text/javascript;charset=UTF-8";

  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html;charset=UTF-8",
          "console.css", "text/css;charset=UTF-8",
          "console.js", SCRIPT,
          "api.js", SCRIPT,
          "dom.js", SCRIPT,
          "admin.js", SCRIPT,
          "pool.js", SCRIPT,
          "audit.js", SCRIPT);

  private final transient Map<String, Asset> assets = load();

  private static Map<String, Asset> load() {
    Map<String, Asset> loaded = new java.util.HashMap<>();
    TYPES.forEach(
        (name, type) -> {
          try (InputStream in = ConsoleServlet.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
              throw new IllegalStateException("console/" + name + " is missing from the jar");
            }
            loaded.put(name, new Asset(in.readAllBytes(), type));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    loaded.put("audit-actions.js", auditActions());
    return Map.copyOf(loaded);
  }

  /** The module listing every audit action's name: {@code export const ACTIONS = [...]}. */
  private static Asset auditActions() {
    // The names are [a-z_.] (AuditAction.id), so quoting them is all it takes.
    String names =
        Arrays.stream(AuditAction.values())
            .map(action -> '"' + action.id() + '"')
            .collect(Collectors.joining(", "));
    String module =
        "// Made by ConsoleServlet from io.userdb.audit.AuditAction.\n"
            + "export const ACTIONS = ["
            + names
            + "];\n";
    return new Asset(module.getBytes(StandardCharsets.UTF_8), SCRIPT);
  }

  /** Files are only read: every other method gets the API's JSON 405, OPTIONS included. */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws jakarta.servlet.ServletException, IOException {
    if (request.getMethod().equals("GET") || request.getMethod().equals("HEAD")) {
      super.service(request, response);
      return;
    }
    response.setHeader("Allow", "GET, HEAD");
    Json.writeError(response, 405, "method_not_allowed", "the console's files are only read");
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    if (path.isEmpty() || path.equals("/") || path.equals("/console")) {
      response.setStatus(302);
      response.setHeader("Location", "/console/");
      return;
    }
    String name = path.equals("/console/") ? "index.html" : path.substring("/console/".length());
    Asset asset = assets.get(name);
    if (asset == null) {
      Json.writeError(response, 404, "not_found", "no such resource");
      return;
    }
    response.setContentType(asset.type());
    response.setHeader("Content-Security-Policy", SecurityHeadersFilter.PAGE_POLICY);
    response.setHeader("Cache-Control", "no-cache"); // revalidate: a new jar brings new files
    response.setContentLength(asset.bytes().length);
    response.getOutputStream().write(asset.bytes());
  }
}
