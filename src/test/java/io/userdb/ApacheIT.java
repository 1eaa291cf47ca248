package io.userdb;

import static io.userdb.ApiAssertions.assertError;
import static io.userdb.ApiAssertions.assertSessionEnded;
import static io.userdb.ApiAssertions.body;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.HttpApi.Reply;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.db.UserDatabasePool;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request through a real Apache httpd running the repository's httpd-conf over AJP. */
class ApacheIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a client of Apache's other than Apache itself (127.0.0.1) connects from. */
  private static final String CLIENT = "127.0.0.2";

  @TempDir Path work;

  static String secretOf(TestServer server) throws Exception {
    return server.ajpSecret();
  }

  static ApacheHttpd apacheFor(Path work, TestServer server, String secret) throws Exception {
    return ApacheHttpd.start(
        work, Map.of("USERDB_AJP", "127.0.0.1:" + server.service().ajpPort()), List.of(), secret);
  }

  @Test
  void requests_apache_refuses_itself_get_json_not_its_html() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      String token = apache.http().login("admin", TestServer.ADMIN_PASSWORD);
      String cookie = "Cookie: USERDB_SESSION=" + token + "\r\n";
      // {status, Allow expected or "", request}: Apache's own refusals, path tricks among them,
      // and the API's 405s, which must keep their Allow header through Apache.
      String[][] cases = {
        {"404", "", "GET /health%2f..%2fapi HTTP/1.1\r\nHost: localhost\r\n"},
        {"404", "", "GET /api/users/admin%2fpassword HTTP/1.1\r\nHost: localhost\r\n"},
        {"404", "", "GET /console%2f..%2f..%2fapi%2fme HTTP/1.1\r\nHost: localhost\r\n"},
        {"405", "", "TRACE /health HTTP/1.1\r\nHost: localhost\r\n"},
        {"414", "", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\n"},
        {
          "400",
          "",
          "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000) + "\r\n"
        },
        {"400", "", "GET /health#x HTTP/1.1\r\nHost: localhost\r\n"},
        {"405", "GET, HEAD", "PUT /api/me HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"},
        {"405", "GET, HEAD, POST", "DELETE /api/users HTTP/1.1\r\nHost: localhost\r\n" + cookie},
        {"405", "PUT", "GET /api/users/admin/password HTTP/1.1\r\nHost: localhost\r\n" + cookie},
      };
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
        for (int round = 0; round < 4; round++) { // every case several times, all at once
          for (String[] c : cases) {
            results.add(
                pool.submit(
                    () -> {
                      byte[] request =
                          (c[2] + "Connection: close\r\n\r\n")
                              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                      RawResponse reply = RawResponse.exchange(apache.port, request);
                      String what = c[2].substring(0, Math.min(40, c[2].length()));
                      boolean allowOk =
                          c[1].isEmpty()
                              || reply.headers().contains("Allow: " + c[1] + "\r\n")
                              || reply.headers().endsWith("Allow: " + c[1]);
                      return reply.status() == Integer.parseInt(c[0]) && reply.isJson() && allowOk
                          ? null
                          : what + " -> " + reply.headers() + "\n" + reply.body();
                    }));
          }
        }
        for (java.util.concurrent.Future<String> result : results) {
          String wrong = result.get();
          assertTrue(wrong == null, "not a JSON answer as expected: " + wrong);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Apache writes the reason phrase AJP carries into its status line. Answers made by servlets, by
   * the JSON error valve (a path Tomcat refuses) and by the pool's 503 must all read like Apache's
   * own ("404 Not Found"), not repeat the code ("404 404"), also when they cross.
   */
  @Test
  void answers_through_apache_carry_their_reason_phrase_under_parallel_requests() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend =
            TestServer.start(
                work.resolve("db"), "ajp-port", "0", "pool-max-total", "1", "pool-max-wait", "1s");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      String basic = "Authorization: " + basic("admin", TestServer.ADMIN_PASSWORD)[1] + "\r\n";
      // {status line expected, request}
      String[][] cases = {
        {"HTTP/1.1 200 OK", "GET /health HTTP/1.1\r\n"},
        {"HTTP/1.1 200 OK", "GET /api/me HTTP/1.1\r\n" + basic},
        {"HTTP/1.1 204 No Content", "DELETE /api/session HTTP/1.1\r\n"},
        {"HTTP/1.1 400 Bad Request", "GET /health/..;/api/me HTTP/1.1\r\n"},
        {"HTTP/1.1 401 Unauthorized", "GET /api/users HTTP/1.1\r\n"},
        {"HTTP/1.1 404 Not Found", "GET /nothing/here HTTP/1.1\r\n"},
        {"HTTP/1.1 405 Method Not Allowed", "PUT /api/me HTTP/1.1\r\nContent-Length: 0\r\n"},
        {
          "HTTP/1.1 415 Unsupported Media Type",
          "POST /api/session HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
        },
      };
      List<String> wrong = statusLinesDiffer(apache, cases, 4);
      assertEquals(List.of(), wrong, "status lines through Apache");

      // The only pooled object held: sign-ins by Basic wait 1 s for it, then answer 503.
      try (var held = backend.service().pool().borrow()) {
        String[][] exhausted = {
          {"HTTP/1.1 503 Service Unavailable", "GET /api/me HTTP/1.1\r\n" + basic}
        };
        assertEquals(
            List.of(), statusLinesDiffer(apache, exhausted, 4), "status lines of the pool's 503");
      }
    }
  }

  /** Sends every case {@code rounds} times, all at once; returns each mismatch once. */
  private static List<String> statusLinesDiffer(ApacheHttpd apache, String[][] cases, int rounds)
      throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        for (String[] c : cases) {
          results.add(
              pool.submit(
                  () -> {
                    String body = c[1].contains("Content-Length: 2") ? "{}" : "";
                    byte[] request =
                        (c[1] + "Host: localhost\r\nConnection: close\r\n\r\n" + body)
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    RawResponse reply = RawResponse.exchange(apache.port, request);
                    return reply.statusLine().equals(c[0])
                        ? null
                        : c[1].split("\r\n")[0] + " -> " + reply.statusLine();
                  }));
        }
      }
      List<String> wrong = new java.util.ArrayList<>();
      for (java.util.concurrent.Future<String> result : results) {
        String mismatch = result.get();
        if (mismatch != null && !wrong.contains(mismatch)) {
          wrong.add(mismatch);
        }
      }
      return wrong;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * No answer names the software behind it: no Server header direct, Apache's bare name through it.
   */
  @Test
  void answers_do_not_name_the_backend_software() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      for (String path : new String[] {"/api/me", "/health", "/api/nothing-here", "/console/"}) {
        assertEquals(
            java.util.Optional.empty(), backend.http.get(path).header("Server"), "direct " + path);
        assertEquals(
            "Apache",
            apache.http().get(path).header("Server").orElse(""),
            "through Apache " + path);
      }
    }
  }

  @Test
  void the_whole_api_works_through_apache() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      HttpApi http = apache.http();
      String admin = http.login("admin", TestServer.ADMIN_PASSWORD);
      assertEquals(
          "session", body(http.get("/api/me", session(admin))).path("authenticatedBy").asText());

      Reply created =
          http.send(
              "POST",
              "/api/users",
              json("username", "zoe", "password", "zoe-password", "displayName", "Zoë Ångström 🌍"),
              session(admin));
      assertEquals(201, created.status(), created.body());
      assertEquals("/api/users/zoe", created.header("Location").orElse(""));
      Reply read = http.get("/api/users/zoe", session(admin));
      assertEquals(
          "Zoë Ångström 🌍", body(read).path("displayName").asText(), "non-ASCII arrives intact");
      assertEquals(
          200,
          http.send("PATCH", "/api/users/zoe", json("email", "zoe@example.org"), session(admin))
              .status());
      assertEquals(
          204,
          http.send(
                  "PUT",
                  "/api/users/zoe/password",
                  json("password", "zoe-new-password"),
                  session(admin))
              .status());
      String zoe = http.login("zoe", "zoe-new-password");
      assertEquals(
          "zoe@example.org", body(http.get("/api/me", session(zoe))).path("email").asText());
      assertEquals(204, http.send("DELETE", "/api/session", null, session(zoe)).status());
      assertSessionEnded(http.get("/api/me", session(zoe)));
      assertEquals(204, http.send("DELETE", "/api/users/zoe", null, session(admin)).status());
      assertError(http.get("/api/users/zoe", session(admin)), 404, "not_found");
      assertError(http.send("POST", "/api/session", "{"), 400, "invalid_json");
      assertError(
          http.get("/api/me", basic("admin", "wrong-password")), 401, "invalid_credentials");
    }
  }

  @Test
  void a_12_kib_cookie_and_headers_arrive_intact() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      HttpApi http = apache.http();
      String token = http.login("admin", TestServer.ADMIN_PASSWORD);
      String padding = "p".repeat(8 * 1024);
      Reply me =
          http.get(
              "/api/me",
              "Cookie",
              "USERDB_SESSION=" + token + "; padding=" + padding,
              "X-Extra-One",
              "x".repeat(2048),
              "X-Extra-Two",
              "y".repeat(2048));
      assertEquals(200, me.status(), me.body());
      assertEquals(
          "session",
          body(me).path("authenticatedBy").asText(),
          "the session cookie after 8 KiB of other cookies still arrived");
    }
  }

  @Test
  void a_client_cannot_forge_remote_user_through_a_header() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend =
            TestServer.start(work.resolve("db"), "ajp-port", "0", "trust-proxy-user", "true");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      Reply me =
          apache
              .http()
              .get(
                  "/api/me",
                  "REMOTE_USER",
                  "admin",
                  "Remote-User",
                  "admin",
                  "X-Remote-User",
                  "admin");
      assertEquals(200, me.status());
      assertEquals("guest", body(me).path("username").asText(), me.body());
    }
  }

  @Test
  void a_wrong_secret_at_apache_gets_nothing_served() throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0");
        ApacheHttpd apache = apacheFor(work, backend, "not-the-backends-secret")) {
      Reply me = apache.http().get("/api/me", basic("admin", TestServer.ADMIN_PASSWORD));
      assertNotEquals(200, me.status());
      assertFalse(me.body().contains("admin"), me.body());
      Reply health = apache.http().get("/health");
      assertNotEquals(200, health.status());
      assertFalse(health.body().contains("pool"), health.body());
    }
  }

  /**
   * Sign-ins through Apache are audited once each, with the backend's route and the client's
   * address as the per-address limit keys it: the peer Apache saw, not the peer of the AJP
   * connection (Apache, 127.0.0.1) nor an X-Forwarded-For the client made up (no proxy is trusted).
   * The address that the limit then locks is that one, and only that one.
   */
  @Test
  void sign_ins_through_apache_are_audited_once_with_the_clients_address_and_the_route()
      throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend =
            TestServer.start(
                work.resolve("db"),
                "ajp-port",
                "0",
                "jvm-route",
                "b1",
                "login-failures-per-address",
                "2");
        ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      String from = " from " + CLIENT + " on b1";
      long seq = auditHead(backend);
      assertEquals(200, signInFrom(apache, TestServer.ADMIN_PASSWORD).status());
      seq =
          assertAuditedAfter(
              backend,
              seq,
              "user.login success admin>admin password" + from,
              "session.created success admin>admin" + from);
      assertEquals(401, signInFrom(apache, "not-the-password-9").status());
      seq =
          assertAuditedAfter(
              backend, seq, "user.login failure anonymous>admin password/wrong_password" + from);
      assertEquals(401, signInFrom(apache, "not-the-password-9").status());
      seq =
          assertAuditedAfter(
              backend,
              seq,
              "address.locked success anonymous>null password" + from,
              "user.login failure anonymous>admin password/wrong_password" + from);
      assertEquals(429, signInFrom(apache, TestServer.ADMIN_PASSWORD).status());
      seq =
          assertAuditedAfter(
              backend, seq, "user.login failure anonymous>admin password/address_locked" + from);

      String admin = apache.http().login("admin", TestServer.ADMIN_PASSWORD);
      assertAuditedAfter(
          backend,
          seq,
          "user.login success admin>admin password from 127.0.0.1 on b1",
          "session.created success admin>admin from 127.0.0.1 on b1");
      JsonNode locked = body(apache.http().get("/api/audit?action=address.locked", session(admin)));
      assertEquals(1, locked.path("events").size(), locked.toString());
      assertEquals(CLIENT, locked.at("/events/0/source/address").asText(), locked.toString());
      assertEquals("b1", locked.at("/events/0/service/node/name").asText(), locked.toString());
    }
  }

  /** Signs in as admin from {@link #CLIENT} through Apache, with a made-up X-Forwarded-For. */
  private static RawResponse signInFrom(ApacheHttpd apache, String password) throws Exception {
    String body = json("username", "admin", "password", password);
    String request =
        "POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "X-Forwarded-For: 203.0.113.9\r\nConnection: close\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    return RawResponse.exchange(
        CLIENT, apache.port, request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static long auditHead(TestServer backend) {
    try (UserDatabasePool.Access access = backend.service().pool().access()) {
      return access.db().auditHead().seq();
    }
  }

  /**
   * Asserts that the records after {@code seq} are {@code expected}, in order and each once, as
   * "action outcome actor>target method/reason from address on route"; the last one's seq.
   */
  private static long assertAuditedAfter(TestServer backend, long seq, String... expected)
      throws Exception {
    List<AuditRecord> records;
    try (UserDatabasePool.Access access = backend.service().pool().access()) {
      records = access.db().findAudit(AuditQuery.chainAfter(seq, 100));
    }
    List<String> actual = new java.util.ArrayList<>();
    for (AuditRecord r : records) {
      JsonNode fields = JSON.readTree(r.fields());
      String how =
          fields.path("method").asText("")
              + (fields.has("reason") ? "/" + fields.get("reason").asText() : "");
      actual.add(
          (r.action() + " " + r.outcome() + " " + r.actorName() + ">" + r.targetName())
              + (how.isEmpty() ? "" : " " + how)
              + " from "
              + r.clientAddress()
              + " on "
              + r.route());
    }
    assertEquals(List.of(expected), actual);
    return records.isEmpty() ? seq : records.get(records.size() - 1).seq();
  }

  @Test
  void a_stopped_backend_gets_a_json_503_fast_and_a_restarted_one_serves_again() throws Exception {
    ApacheHttpd.binary();
    Path db = work.resolve("db");
    TestServer backend = TestServer.start(db, "ajp-port", "0");
    int ajpPort = backend.service().ajpPort();
    try (ApacheHttpd apache = apacheFor(work, backend, secretOf(backend))) {
      HttpApi http = apache.http();
      String token = http.login("admin", TestServer.ADMIN_PASSWORD);
      backend.close();

      long start = System.nanoTime();
      Reply down = http.get("/api/me", session(token));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, down.status(), down.body());
      assertTrue(
          down.header("Content-Type").orElse("").startsWith("application/json"),
          down.headers().map().toString());
      JsonNode error = body(down);
      assertEquals("service_unavailable", error.path("error").asText());
      assertTrue(millis < 2000, "answered in " + millis + " ms");

      try (TestServer again = TestServer.start(db, "ajp-port", Integer.toString(ajpPort))) {
        Reply up = http.get("/api/me", session(token));
        assertEquals(200, up.status(), up.body());
        assertEquals(
            "session",
            body(up).path("authenticatedBy").asText(),
            "the session survived, Apache untouched");
      }
    } finally {
      backend.close();
    }
  }
}
