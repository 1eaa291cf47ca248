package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded generator throws malformed, mistyped, oversized and malicious requests at every
 * endpoint, as an admin, as a plain user and anonymously. Whatever comes in: never a 5xx, always a
 * JSON body (an error object for every 4xx), never HTML or a stack trace, and a rejected request
 * leaves the stored users and sessions exactly as they were. {@code -Duserdb.hostile.inputs=N} and
 * {@code -Duserdb.hostile.seed=S} widen or replay a run.
 */
class HostileInputIT {

  static final int INPUTS = Integer.getInteger("userdb.hostile.inputs", 3000);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;

  @Test
  @Timeout(600)
  void no_input_gets_a_5xx_a_non_json_answer_or_changes_anything_when_refused() throws Exception {
    long seed = Long.getLong("userdb.hostile.seed", System.nanoTime());
    Random random = new Random(seed);
    try (TestServer server = TestServer.start(folder)) {
      HttpApi http = server.http;
      String[] admin = HttpApi.session(http.login("admin", TestServer.ADMIN_PASSWORD));
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "alice", "password", "alice-password"),
                  admin)
              .status());
      String[] alice = HttpApi.session(http.login("alice", "alice-password"));
      List<String[]> callers = List.of(admin, alice, new String[0]);

      HttpClient client = HttpApi.newClient();
      HostileRequests generator = new HostileRequests(random);
      List<String> failures = new ArrayList<>();
      String before = fingerprint(server.db);
      int sent = 0;
      int refused = 0;
      for (int i = 0; i < INPUTS && failures.size() < 10; i++) {
        HostileRequests.Input input = generator.next();
        String[] caller = callers.get(random.nextInt(callers.size()));
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(http.base() + input.path()))
                .timeout(Duration.ofSeconds(30))
                .method(
                    input.method(),
                    input.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(input.body()));
        if (input.contentType() != null) {
          request.header("Content-Type", input.contentType());
        }
        for (int h = 0; h < caller.length; h += 2) {
          request.header(caller[h], caller[h + 1]);
        }
        input.headers().forEach(request::header);
        HttpResponse<String> response;
        try {
          response =
              client.send(
                  request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // Tomcat may close the connection on a request it will not read (a 10 MiB body);
          // what matters is that the server still answers the next one.
          assertEquals(200, http.get("/health").status(), "server answers after " + input);
          continue;
        }
        sent++;
        String problem = check(input, response);
        if (problem != null) {
          failures.add(problem);
        }
        String after = fingerprint(server.db);
        if (response.statusCode() >= 400) {
          refused++;
          if (!after.equals(before)) {
            failures.add(
                "refused with " + response.statusCode() + " but changed the database: " + input);
          }
        }
        before = after;
      }
      assertTrue(failures.isEmpty(), "seed " + seed + ": " + String.join("\n", failures));
      // The admin's own session: nothing the inputs may do ends it (no sign-out is generated, and
      // the store refuses to disable or demote the last admin), so it must still be served.
      HttpResponse<String> me =
          client.send(
              HttpRequest.newBuilder(URI.create(http.base() + "/api/me"))
                  .header(admin[0], admin[1])
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, me.statusCode(), "the signed-in admin still works: " + me.body());
      assertTrue(me.body().contains("\"authenticatedBy\":\"session\""), me.body());
      // Alice's may have been ended by an accepted admin change (disabled, deleted, a new
      // password): then it says so instead of serving her as the guest.
      int aliceMe = http.get("/api/me", alice).status();
      assertTrue(
          aliceMe == 200 || aliceMe == 401,
          "alice's session answers 200 or 401 session_ended: " + aliceMe);
      Reports.write(
          "hostile-input.txt",
          "inputs="
              + sent
              + " refused="
              + refused
              + " seed="
              + seed
              + " server_errors=0 non_json=0 refused_that_changed_data=0");
    }
  }

  /**
   * One answer here is a 5xx by HTTP's own definition and comes from Tomcat's parser before any
   * valve or servlet sees the request: 505 for an HTTP version it does not speak. Everything else,
   * CONNECT included, must be a 4xx.
   */
  @Test
  @Timeout(120)
  void requests_no_client_library_would_send_get_a_4xx_without_html_or_a_stack_trace()
      throws Exception {
    try (TestServer server = TestServer.start(folder)) {
      int port = URI.create(server.http.base()).getPort();
      List<String> failures = new ArrayList<>();
      List<byte[]> corpus = HostileRequests.rawCorpus();
      for (byte[] request : corpus) {
        String shown =
            new String(request, 0, Math.min(request.length, 80), StandardCharsets.ISO_8859_1);
        RawResponse response = RawResponse.exchange(port, request);
        boolean protocolRefusal = response.status() == 505 && shown.contains("HTTP/9.9");
        if ((response.status() >= 500 && !protocolRefusal) || response.status() < 100) {
          failures.add(response.status() + " for " + shown);
        } else if (response.body().contains("<html")
            || response.body().contains("Exception")
            || response.body().contains("\tat ")) {
          failures.add("HTML or a stack trace for " + shown + ": " + response.body());
        } else if (!response.body().isEmpty() && !response.isJson()) {
          failures.add("a body that is not JSON for " + shown + ": " + response.body());
        }
      }
      assertTrue(failures.isEmpty(), String.join("\n", failures));
      assertEquals(200, server.http.get("/health").status());
      Reports.write(
          "hostile-raw.txt",
          "raw_requests="
              + corpus.size()
              + " server_errors=0 (besides 505 for HTTP/9.9, from Tomcat's parser) html_or_stack_traces=0");
    }
  }

  /** What is wrong with an answer, or null. */
  static String check(HostileRequests.Input input, HttpResponse<String> response) {
    int status = response.statusCode();
    String body = response.body();
    if (status >= 500) {
      return status + " for " + input + ": " + body;
    }
    if (body.contains("<html") || body.contains("Exception") || body.contains("\tat ")) {
      return "HTML or a stack trace for " + input + ": " + body;
    }
    if (input.method().equals("HEAD") || status == 204 || (status / 100 == 3 && body.isEmpty())) {
      return null; // no body to judge (a redirect: / and /console lead to the console)
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/json")
        && !(input.path().startsWith("/metrics") && status == 200)) {
      return "Content-Type " + type + " for " + input;
    }
    if (input.path().startsWith("/metrics") && status == 200) {
      return null;
    }
    try {
      JsonNode json = JSON.readTree(body);
      if (status >= 400 && !(json.hasNonNull("error") && json.hasNonNull("message"))) {
        return "error without code and message for " + input + ": " + body;
      }
    } catch (IOException e) {
      return "not JSON for " + input + ": " + body;
    }
    return null;
  }

  /**
   * Everything a refused request must leave alone: users with their credentials, profiles, roles
   * and state, and which sessions exist. Failed sign-in counters are left out: counting failures is
   * what a refused sign-in is supposed to do.
   */
  static String fingerprint(Path db) throws SQLException {
    StringBuilder sb = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id, username, password_hash, display_name, email, roles, disabled FROM users ORDER BY id")) {
        while (rs.next()) {
          for (int col = 1; col <= 7; col++) {
            sb.append(rs.getString(col)).append('|');
          }
          sb.append('\n');
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT token_hash, user_id FROM sessions ORDER BY token_hash")) {
        while (rs.next()) {
          sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
        }
      }
    }
    return sb.toString();
  }
}
