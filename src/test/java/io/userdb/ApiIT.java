package io.userdb;

import static io.userdb.ApiAssertions.assertError;
import static io.userdb.ApiAssertions.assertSessionEnded;
import static io.userdb.ApiAssertions.body;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.userdb.HttpApi.Reply;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint and every error of the JSON API, against a real server. */
class ApiIT {

  @TempDir static Path folder;
  static TestServer server;
  static HttpApi http;
  static String admin;

  @BeforeAll
  static void start() {
    server = TestServer.start(folder);
    http = server.http;
    admin = http.login("admin", TestServer.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void no_database_object_is_left_borrowed() throws InterruptedException {
    assertEquals(0, server.awaitNoneBorrowed(), "objects still borrowed after the test");
  }

  private static String createUser(String name, String password, String... roles) {
    Reply reply =
        http.send(
            "POST",
            "/api/users",
            json(
                "username",
                name,
                "password",
                password,
                "displayName",
                "User " + name,
                "email",
                name + "@example.org",
                "roles",
                roles.length == 0 ? new String[] {"user"} : roles),
            session(admin));
    assertEquals(201, reply.status(), reply.body());
    return name;
  }

  @Test
  void health_reports_up_with_pool_numbers() {
    Reply reply = http.get("/health");
    assertEquals(200, reply.status());
    JsonNode body = body(reply);
    assertEquals("UP", body.path("status").asText());
    assertEquals(8, body.path("pool").path("maxTotal").asInt());
    assertTrue(
        body.path("pool").has("active")
            && body.path("pool").has("idle")
            && body.path("pool").has("waiters"));
  }

  @Test
  void metrics_are_prometheus_text_for_loopback_clients() {
    http.get("/api/me");
    Reply reply = http.get("/metrics");
    assertEquals(200, reply.status());
    assertTrue(reply.header("Content-Type").orElse("").startsWith("text/plain"));
    for (String metric :
        new String[] {
          "userdb_pool_active",
          "userdb_pool_idle",
          "userdb_pool_waiters",
          "userdb_pool_max",
          "userdb_pool_borrow_wait_seconds_bucket",
          "userdb_pool_objects_total{event=\"created\"}",
          "userdb_pool_objects_total{event=\"destroyed\"}",
          "http_server_requests_seconds_bucket",
          "userdb_logins_total{outcome=\"success\"}",
          "userdb_costly_queries_wait_seconds_count"
        }) {
      assertTrue(reply.body().contains(metric), "metrics lack " + metric);
    }
    assertTrue(reply.body().contains("status=\"200\""));
  }

  @Test
  void login_sets_a_strict_http_only_cookie_and_me_shows_the_session_user() {
    Reply login =
        http.send(
            "POST",
            "/api/session",
            json("username", "ADMIN", "password", TestServer.ADMIN_PASSWORD));
    assertEquals(200, login.status(), login.body());
    assertEquals("admin", body(login).path("username").asText());
    assertFalse(login.body().contains("argon2"), "never a hash");
    String cookie = login.cookies().get(0);
    assertTrue(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        cookie);
    assertFalse(cookie.contains("Secure"), "plain HTTP gets no Secure flag");
    Reply me = http.get("/api/me", session(login.sessionToken()));
    assertEquals(200, me.status());
    assertEquals("session", body(me).path("authenticatedBy").asText());
    assertTrue(body(me).path("roles").toString().contains("admin"));
  }

  /**
   * {@code /api/me} renders a session's answer once and reuses it: under parallel requests every
   * session still gets its own user, and a change an admin made is in every answer to a request
   * sent after the change was acknowledged.
   */
  @Test
  void me_answers_each_session_with_its_own_user_and_every_change_at_once() throws Exception {
    createUser("mona", "mona-password");
    createUser("nico", "nico-password");
    String[][] sessions = {
      {"mona", http.login("mona", "mona-password")},
      {"mona", http.login("mona", "mona-password")},
      {"nico", http.login("nico", "nico-password")},
      {"nico", http.login("nico", "nico-password")},
    };
    java.util.concurrent.atomic.AtomicBoolean changed =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(sessions.length);
    try {
      java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (String[] s : sessions) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    boolean after = changed.get();
                    JsonNode me = body(http.get("/api/me", session(s[1])));
                    String name = me.path("displayName").asText();
                    String expected = s[0].equals("mona") && after ? "Mona Two" : "User " + s[0];
                    boolean ok =
                        s[0].equals(me.path("username").asText())
                            && (name.equals(expected) || !after && name.equals("Mona Two"))
                            && (!after || !s[0].equals("mona") || me.path("roles").size() == 2);
                    if (!ok) {
                      return s[0] + (after ? " after" : " before") + " the change: " + me;
                    }
                  }
                  return null;
                }));
      }
      Thread.sleep(100);
      Reply patched =
          http.send(
              "PATCH",
              "/api/users/mona",
              json("displayName", "Mona Two", "roles", new String[] {"user", "admin"}),
              session(admin));
      assertEquals(200, patched.status(), patched.body());
      changed.set(true);
      for (java.util.concurrent.Future<String> result : results) {
        String wrong = result.get();
        assertTrue(wrong == null, wrong);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        "Mona Two",
        body(http.get("/api/me", basic("mona", "mona-password"))).path("displayName").asText());
  }

  @Test
  void every_login_gets_a_new_token_and_logout_revokes_it() {
    String first = http.login("admin", TestServer.ADMIN_PASSWORD);
    String second = http.login("admin", TestServer.ADMIN_PASSWORD);
    assertFalse(first.equals(second));
    assertEquals(43, first.length(), "256 bits in base64url");
    assertEquals(204, http.send("DELETE", "/api/session", null, session(first)).status());
    assertSessionEnded(http.get("/api/me", session(first))); // a revoked token is worth nothing
    assertEquals(
        204,
        http.send("DELETE", "/api/session", null, session(first)).status(),
        "signing out again: done");
    assertEquals(
        "default",
        body(http.get("/api/me")).path("authenticatedBy").asText(),
        "no cookie: the default user");
    assertEquals(
        "session", body(http.get("/api/me", session(second))).path("authenticatedBy").asText());
  }

  @Test
  void wrong_password_unknown_user_and_disabled_user_get_the_same_401() {
    createUser("dora", "dora-password");
    assertEquals(
        200,
        http.send("PATCH", "/api/users/dora", json("disabled", true), session(admin)).status());
    Reply wrong =
        http.send(
            "POST", "/api/session", json("username", "admin", "password", "not-the-password"));
    Reply unknown =
        http.send(
            "POST", "/api/session", json("username", "nobody-here", "password", "whatever-pw"));
    Reply disabled =
        http.send("POST", "/api/session", json("username", "dora", "password", "dora-password"));
    for (Reply reply : new Reply[] {wrong, unknown, disabled}) {
      assertError(reply, 401, "invalid_credentials");
      assertEquals("Basic realm=\"userdb\"", reply.header("WWW-Authenticate").orElse(""));
      assertEquals(wrong.body(), reply.body());
    }
  }

  @Test
  void five_failures_lock_the_account_with_429_and_retry_after() {
    createUser("lucy", "lucy-password");
    for (int i = 0; i < 5; i++) {
      assertError(
          http.send("POST", "/api/session", json("username", "lucy", "password", "guess-" + i)),
          401,
          "invalid_credentials");
    }
    Reply locked =
        http.send("POST", "/api/session", json("username", "lucy", "password", "lucy-password"));
    assertError(locked, 429, "locked");
    assertTrue(Integer.parseInt(locked.header("Retry-After").orElseThrow()) >= 1);
  }

  @Test
  void unknown_users_lock_out_like_known_ones() {
    for (int i = 0; i < 5; i++) {
      assertError(
          http.send("POST", "/api/session", json("username", "ghost", "password", "guess-" + i)),
          401,
          "invalid_credentials");
    }
    assertError(
        http.send("POST", "/api/session", json("username", "ghost", "password", "guess-x")),
        429,
        "locked");
  }

  @Test
  void basic_auth_identifies_the_user_and_bad_basic_is_401() {
    createUser("bob", "bob-password");
    Reply me = http.get("/api/me", basic("bob", "bob-password"));
    assertEquals(200, me.status(), me.body());
    assertEquals("basic", body(me).path("authenticatedBy").asText());
    assertEquals(
        "bob", body(http.get("/api/me", basic("BOB", "bob-password"))).path("username").asText());
    assertError(http.get("/api/me", basic("bob", "wrong-password")), 401, "invalid_credentials");
    assertError(
        http.get("/api/me", "Authorization", "Basic !!notbase64"), 401, "invalid_authorization");
  }

  @Test
  void basic_credentials_stop_working_at_once_when_the_password_changes() {
    createUser("carl", "carl-password");
    assertEquals(200, http.get("/api/me", basic("carl", "carl-password")).status());
    Reply change =
        http.send(
            "PUT",
            "/api/users/carl/password",
            json("password", "carl-new-password"),
            session(admin));
    assertEquals(204, change.status(), change.body());
    assertError(http.get("/api/me", basic("carl", "carl-password")), 401, "invalid_credentials");
    assertEquals(200, http.get("/api/me", basic("carl", "carl-new-password")).status());
  }

  @Test
  void anonymous_requests_act_as_the_default_guest() {
    Reply me = http.get("/api/me");
    assertEquals(200, me.status());
    assertEquals("guest", body(me).path("username").asText());
    assertEquals("default", body(me).path("authenticatedBy").asText());
    assertError(http.get("/api/users"), 401, "authentication_required");
  }

  @Test
  void without_a_default_user_anonymous_requests_get_401() {
    try (TestServer strict = TestServer.start(folder.resolve("strict"), "default-user", "")) {
      Reply me = strict.http.get("/api/me");
      assertError(me, 401, "authentication_required");
      assertEquals("Basic realm=\"userdb\"", me.header("WWW-Authenticate").orElse(""));
      assertEquals(200, strict.http.get("/health").status(), "health needs no one");
    }
  }

  @Test
  void admin_creates_lists_reads_updates_and_deletes_users() {
    Reply created =
        http.send(
            "POST",
            "/api/users",
            json(
                "username",
                "Erin.Smith",
                "password",
                "erin-password",
                "displayName",
                "Erin",
                "email",
                "erin@example.org",
                "roles",
                new String[] {"user"}),
            session(admin));
    assertEquals(201, created.status(), created.body());
    assertEquals("/api/users/Erin.Smith", created.header("Location").orElse(""));
    JsonNode user = body(created);
    assertEquals("Erin", user.path("displayName").asText());
    assertFalse(created.body().contains("hash"), "never a hash");
    for (String field :
        new String[] {
          "username", "displayName", "email", "roles", "disabled", "createdAt", "updatedAt"
        }) {
      assertTrue(user.has(field), field);
    }
    assertError(
        http.send(
            "POST",
            "/api/users",
            json("username", "erin.smith", "password", "another-password"),
            session(admin)),
        409,
        "user_exists");

    Reply list = http.get("/api/users?q=erin&limit=10", session(admin));
    assertEquals(200, list.status(), list.body());
    assertEquals(1, body(list).path("total").asInt());
    assertEquals("Erin.Smith", body(list).path("users").get(0).path("username").asText());

    Reply read = http.get("/api/users/erin.smith", session(admin));
    assertEquals(200, read.status());
    Reply patched =
        http.send(
            "PATCH",
            "/api/users/erin.smith",
            json("displayName", "Erin S.", "roles", new String[] {"user", "admin"}),
            session(admin));
    assertEquals(200, patched.status(), patched.body());
    assertEquals("Erin S.", body(patched).path("displayName").asText());
    assertEquals("[\"admin\",\"user\"]", body(patched).path("roles").toString());

    assertEquals(204, http.send("DELETE", "/api/users/erin.smith", null, session(admin)).status());
    assertError(http.get("/api/users/erin.smith", session(admin)), 404, "not_found");
    assertError(
        http.send("DELETE", "/api/users/erin.smith", null, session(admin)), 404, "not_found");
  }

  @Test
  void listing_pages_through_users_in_name_order() {
    for (int i = 0; i < 7; i++) {
      createUser("page" + i, "page-password");
    }
    Reply first = http.get("/api/users?q=page&offset=0&limit=3", session(admin));
    Reply third = http.get("/api/users?q=PAGE&offset=6&limit=3", session(admin));
    assertEquals(7, body(first).path("total").asInt());
    assertEquals("page0", body(first).path("users").get(0).path("username").asText());
    assertEquals(1, body(third).path("users").size());
    assertEquals("page6", body(third).path("users").get(0).path("username").asText());
    assertError(http.get("/api/users?limit=501", session(admin)), 400, "invalid_parameter");
    assertError(http.get("/api/users?offset=-1", session(admin)), 400, "invalid_parameter");
    assertError(http.get("/api/users?q=a%25b", session(admin)), 400, "invalid_query");
  }

  @Test
  void a_user_changes_their_own_password_with_the_current_one_and_other_sessions_end() {
    createUser("fred", "fred-password");
    String here = http.login("fred", "fred-password");
    String elsewhere = http.login("fred", "fred-password");
    assertError(
        http.send(
            "PUT",
            "/api/users/fred/password",
            json("password", "fred-new-password", "currentPassword", "wrong-password"),
            session(here)),
        403,
        "forbidden");
    Reply changed =
        http.send(
            "PUT",
            "/api/users/fred/password",
            json("password", "fred-new-password", "currentPassword", "fred-password"),
            session(here));
    assertEquals(204, changed.status(), changed.body());
    assertEquals(
        "session", body(http.get("/api/me", session(here))).path("authenticatedBy").asText());
    assertSessionEnded(http.get("/api/me", session(elsewhere)));
    http.login("fred", "fred-new-password");
  }

  @Test
  void disabling_and_deleting_a_user_revokes_their_sessions() {
    createUser("gina", "gina-password");
    createUser("hank", "hank-password");
    String gina = http.login("gina", "gina-password");
    String hank = http.login("hank", "hank-password");
    assertEquals(
        200,
        http.send("PATCH", "/api/users/gina", json("disabled", true), session(admin)).status());
    assertSessionEnded(http.get("/api/me", session(gina)));
    assertEquals(204, http.send("DELETE", "/api/users/hank", null, session(admin)).status());
    assertSessionEnded(http.get("/api/me", session(hank)));
  }

  @Test
  void bad_input_gets_400_with_a_code_and_changes_nothing() {
    String[][] cases = {
      {"{\"username\":\"ok\",\"password\":\"short\"}", "invalid_password"},
      {"{\"username\":\"bad name\",\"password\":\"long-enough-pw\"}", "invalid_username"},
      {"{\"username\":\"../etc\",\"password\":\"long-enough-pw\"}", "invalid_username"},
      {"{\"username\":\"x\",\"password\":\"long-enough-pw\",\"roles\":[\"root\"]}", "invalid_role"},
      {
        "{\"username\":\"x\",\"password\":\"long-enough-pw\",\"email\":\"not-an-email\"}",
        "invalid_email"
      },
      {"{\"username\":\"x\",\"password\":\"long-enough-pw\",\"isAdmin\":true}", "unknown_field"},
      {"{\"username\":5,\"password\":\"long-enough-pw\"}", "invalid_field"},
      {"{\"password\":\"long-enough-pw\"}", "missing_field"},
      {"{\"username\":\"x\",", "invalid_json"},
      {"[1,2]", "invalid_json"},
      {"{\"username\":\"x\",\"username\":\"y\",\"password\":\"long-enough-pw\"}", "invalid_json"},
    };
    long before = body(http.get("/api/users", session(admin))).path("total").asLong();
    for (String[] c : cases) {
      assertError(http.send("POST", "/api/users", c[0], session(admin)), 400, c[1]);
    }
    assertEquals(before, body(http.get("/api/users", session(admin))).path("total").asLong());
  }

  @Test
  void passwords_may_be_any_unicode_and_are_normalised() {
    String composed = "caf\u00e9-\u00fcber-\ud83d\udd11";
    String decomposed = "cafe\u0301-u\u0308ber-\ud83d\udd11";
    createUser("ivy", composed);
    assertEquals(200, http.get("/api/me", basic("ivy", decomposed)).status());
  }

  @Test
  void wrong_media_type_is_415_and_oversized_body_is_413() {
    Reply text =
        http.send(
            http.request("/api/session")
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertError(text, 415, "unsupported_media_type");
    String huge = "{\"username\":\"" + "a".repeat(70 * 1024) + "\",\"password\":\"x\"}";
    assertError(http.send("POST", "/api/session", huge), 413, "payload_too_large");
  }

  @Test
  void unknown_paths_are_404_and_wrong_methods_405_in_json() {
    assertError(http.get("/nothing/here"), 404, "not_found");
    assertError(http.get("/api/users/no-such-user", session(admin)), 404, "not_found");
    assertError(http.send("PUT", "/api/me", "{}"), 405, "method_not_allowed");
    assertError(http.send("GET", "/api/session", null), 405, "method_not_allowed");
    assertError(http.send("POST", "/health", "{}"), 405, "method_not_allowed");
    assertError(http.send("BREW", "/api/me", null), 405, "method_not_allowed");
  }

  @Test
  void a_405_says_in_allow_which_methods_the_resource_answers() {
    String[][] cases = {
      {"PUT", "/api/me", "GET, HEAD"},
      {"BREW", "/api/me", "GET, HEAD"},
      {"GET", "/api/session", "POST, DELETE"},
      {"POST", "/health", "GET, HEAD"},
      {"DELETE", "/api/users", "GET, HEAD, POST"},
      {"PUT", "/api/users/admin", "GET, HEAD, PATCH, DELETE"},
      {"GET", "/api/users/admin/password", "PUT"},
    };
    for (String[] c : cases) {
      Reply reply = http.send(c[0], c[1], c[0].equals("GET") ? null : "{}", session(admin));
      assertError(reply, 405, "method_not_allowed");
      assertEquals(c[2], reply.header("Allow").orElse(""), c[0] + " " + c[1]);
    }
  }

  @Test
  void tomcat_level_errors_are_json_too() throws IOException {
    // An encoded slash is refused by Tomcat itself, before any servlet runs.
    assertError(http.get("/api/users/a%2fb", session(admin)), 400, "bad_request");
    try (Socket socket = new Socket("127.0.0.1", java.net.URI.create(http.base()).getPort())) {
      socket
          .getOutputStream()
          .write(
              "GET /api/me HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertFalse(answer.contains("<html"), answer);
    }
  }

  @Test
  void pool_exhaustion_answers_503_with_retry_after_within_about_max_wait() throws Exception {
    try (TestServer small =
        TestServer.start(
            folder.resolve("small"), "pool-max-total", "1", "pool-max-wait", "500ms")) {
      try (var held = small.service().pool().borrow()) {
        long start = System.nanoTime();
        Reply reply = small.http.get("/api/me", basic("admin", TestServer.ADMIN_PASSWORD));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertError(reply, 503, "pool_exhausted");
        assertEquals("1", reply.header("Retry-After").orElse(""));
        assertTrue(millis >= 450 && millis < 5000, "answered after " + millis + " ms");
        long anonymousStart = System.nanoTime();
        assertEquals(
            200, small.http.get("/api/me").status(), "work that needs no database keeps flowing");
        assertTrue(
            System.nanoTime() - anonymousStart < 450_000_000L, "without waiting for the pool");
      }
      assertEquals(
          200,
          small.http.get("/api/me", basic("admin", TestServer.ADMIN_PASSWORD)).status(),
          "serves again once an object is free");
    }
  }
}
