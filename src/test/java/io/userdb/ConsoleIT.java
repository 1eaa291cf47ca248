package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's files as a browser receives them: from the jar, with a strict policy (no inline
 * script, nothing from another origin, no framing), and nothing served but the list.
 */
class ConsoleIT {

  static final List<String> FILES =
      List.of(
          "/console/",
          "/console/console.js",
          "/console/api.js",
          "/console/dom.js",
          "/console/admin.js",
          "/console/pool.js",
          "/console/audit.js",
          "/console/audit-actions.js",
          "/console/console.css");

  @TempDir static Path folder;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(folder);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void the_console_is_served_with_a_strict_policy_on_every_file() {
    for (String path : FILES) {
      Reply reply = server.http.get(path);
      assertEquals(200, reply.status(), path);
      String csp = reply.header("Content-Security-Policy").orElse("");
      assertTrue(
          csp.contains("default-src 'self'")
              && csp.contains("frame-ancestors 'none'")
              && csp.contains("script-src 'self'")
              && !csp.contains("unsafe-inline"),
          path + ": " + csp);
      assertEquals("nosniff", reply.header("X-Content-Type-Options").orElse(""), path);
      assertEquals("no-referrer", reply.header("Referrer-Policy").orElse(""), path);
    }
    assertTrue(
        server.http.get("/console/").header("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(
        server
            .http
            .get("/console/console.js")
            .header("Content-Type")
            .orElse("")
            .startsWith("text/javascript"));
    Reply api = server.http.get("/api/me");
    assertEquals(
        "nosniff",
        api.header("X-Content-Type-Options").orElse(""),
        "the API's answers carry the same headers");
    assertEquals(
        "default-src 'none'; frame-ancestors 'none'",
        api.header("Content-Security-Policy").orElse(""),
        "JSON loads nothing: the strictest policy");
  }

  @Test
  void the_page_has_no_inline_script_or_handler_and_no_outside_origin() {
    String html = server.http.get("/console/").body();
    assertFalse(
        Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE)
            .matcher(html)
            .find(),
        "every script is a file");
    assertFalse(
        Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
        "no inline handlers");
    for (String path : FILES) {
      String body = server.http.get(path).body();
      assertFalse(
          body.contains("http://") || body.contains("https://") || body.contains("//cdn"), path);
      assertFalse(
          body.contains("innerHTML")
              || body.contains("insertAdjacentHTML")
              || body.contains("document.write"),
          path + " builds the page from text nodes only");
    }
  }

  @Test
  void the_audit_view_offers_every_action_the_log_records() {
    String module = server.http.get("/console/audit-actions.js").body();
    String expected =
        java.util.Arrays.stream(io.userdb.audit.AuditAction.values())
            .map(action -> '"' + action.id() + '"')
            .collect(java.util.stream.Collectors.joining(", ", "export const ACTIONS = [", "];"));
    assertTrue(module.contains(expected), module);
  }

  @Test
  void the_root_leads_to_the_console_and_nothing_else_is_served() {
    Reply root = server.http.get("/");
    assertEquals(302, root.status());
    assertEquals("/console/", root.header("Location").orElse(""));
    assertEquals(302, server.http.get("/console").status());
    Reply post = server.http.send("POST", "/console/", "{}");
    assertEquals(405, post.status(), "files are only read");
    assertTrue(post.body().contains("\"error\":\"method_not_allowed\""), post.body());
    for (String path :
        List.of(
            "/console/nothing.js",
            "/console/../pom.xml",
            "/console/%2e%2e/userdb.db",
            "/console/META-INF/MANIFEST.MF",
            "/console/io/userdb/cli/Main.class")) {
      Reply reply = server.http.get(path);
      assertTrue(reply.status() == 404 || reply.status() == 400, path + ": " + reply.status());
      assertTrue(reply.body().contains("\"error\""), path + ": " + reply.body());
    }
  }
}
