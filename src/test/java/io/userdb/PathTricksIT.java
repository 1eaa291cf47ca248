package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths an attacker writes so that Apache and Tomcat read them differently: Apache leaves {@code
 * /health} open and matches its {@code <Location>} on the path as it sees it; Tomcat strips {@code
 * ;parameters} and resolves dot segments afterwards. A generated corpus of encodings, dot segments,
 * path parameters and separators, aimed from the open path at every protected one, sent in parallel
 * through Apache's proxy-authentication variant and straight to the backend's ports: none may reach
 * the API without Apache's sign-in.
 */
class PathTricksIT {

  private static final String OPEN = "/health";
  private static final List<String> PROTECTED =
      List.of("api/me", "api/users", "api/users/admin", "console/", "metrics");
  private static final List<String> DOT_DOTS =
      List.of("..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "..%00", "%c0%ae%c0%ae");
  private static final List<String> PARAMS =
      List.of(";", "%3b", "%3B", ";x=1", ";jsessionid=0", "");
  private static final List<String> SEPARATORS = List.of("/", "%2f", "\\", "%5c", "//");

  @TempDir Path work;

  /** Every path the corpus makes, each aimed at a protected path from the open one. */
  static List<String> corpus() {
    List<String> paths = new ArrayList<>();
    for (String target : PROTECTED) {
      for (String dots : DOT_DOTS) {
        for (String param : PARAMS) {
          for (String sep : SEPARATORS) {
            paths.add(OPEN + sep + dots + param + sep + target); //   /health/..;/api/me
            paths.add(OPEN + param + sep + dots + sep + target); //   /health;/../api/me
            paths.add(OPEN + sep + "x" + sep + dots + param + sep + dots + param + sep + target);
          }
        }
      }
      paths.add("/." + OPEN + "/..;/" + target);
      paths.add("/" + OPEN + "/..;/" + target);
      paths.add(OPEN + "/./..;/" + target);
      paths.add("/" + target + ";" + OPEN);
      paths.add("/" + target + "?" + OPEN);
      paths.add("/" + target + "#" + OPEN);
    }
    return paths;
  }

  private static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] signIn(String path) {
    String body = HttpApi.json("username", "admin", "password", TestServer.ADMIN_PASSWORD);
    return ("POST "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sends the corpus (GETs, and sign-ins aimed at /api/session) four at a time; returns what got
   * through.
   */
  private static List<String> throughWithoutSignIn(int port) throws Exception {
    List<String> paths = corpus();
    for (String dots : DOT_DOTS) {
      for (String param : PARAMS) {
        paths.add("POST " + OPEN + "/" + dots + param + "/api/session");
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (String entry : paths) {
        results.add(
            pool.submit(
                () -> {
                  boolean post = entry.startsWith("POST ");
                  String path = post ? entry.substring(5) : entry;
                  RawResponse reply = RawResponse.exchange(port, post ? signIn(path) : get(path));
                  boolean served = reply.status() >= 200 && reply.status() < 400;
                  boolean leaked =
                      reply.body().contains("\"username\"")
                          || reply.headers().contains("USERDB_SESSION=")
                          || reply.body().contains("userdb_");
                  return served || leaked
                      ? entry + " -> " + reply.status() + " " + reply.body()
                      : null;
                }));
      }
      List<String> through = new ArrayList<>();
      for (Future<String> result : results) {
        String r = result.get();
        if (r != null) {
          through.add(r);
        }
      }
      return through;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(170)
  void no_path_trick_reaches_the_api_without_apaches_sign_in() throws Exception {
    try (ProxyAuthStack stack =
        ProxyAuthStack.start(
            work, "http-port", "0", "trust-proxy-user", "true", "require-proxy-user", "true")) {
      assertEquals(200, stack.http().get(OPEN).status(), "the open path is open");
      int count = corpus().size();
      List<String> viaApache = throughWithoutSignIn(stack.apache.port);
      assertTrue(
          viaApache.isEmpty(),
          viaApache.size() + " of " + count + " got through Apache: " + first(viaApache));
      List<String> direct = throughWithoutSignIn(stack.backend.service().httpPort());
      assertTrue(
          direct.isEmpty(),
          direct.size() + " of " + count + " got through the HTTP port: " + first(direct));
      Reports.write("path-tricks.txt", "paths=" + count + " through_apache=0 through_http_port=0");
    }
  }

  @Test
  void apache_opens_exactly_the_health_path_and_nothing_below_or_beside_it() throws Exception {
    // Without --require-proxy-user: this is Apache's layer on its own.
    try (ProxyAuthStack stack = ProxyAuthStack.start(work, "trust-proxy-user", "true")) {
      for (String path :
          List.of("/health/", "/health/x", "/health;x", "/health%3bx", "/healthz", "/health/.")) {
        RawResponse reply = RawResponse.exchange(stack.apache.port, get(path));
        assertEquals(401, reply.status(), path + " needs Apache's sign-in: " + reply.body());
        assertTrue(
            reply.body().contains("\"sign in first\""),
            path + " refused by Apache itself: " + reply.body());
      }
    }
  }

  private static String first(List<String> through) {
    return through.isEmpty()
        ? ""
        : String.join("\n", through.subList(0, Math.min(5, through.size())));
  }
}
