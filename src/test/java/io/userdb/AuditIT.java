package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.HttpApi.Reply;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.audit.AuditVerifier;
import io.userdb.db.UserDatabasePool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log through a real server: each action done through the API records exactly its events,
 * with the right actor, target and fields; reading ({@code me}, cached Basic credentials) records
 * nothing; no secret the test used appears in any event; {@code GET /api/audit} serves the log to
 * admins only.
 */
class AuditIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOB_FIRST = "bob-first-password-1";
  private static final String BOB_SECOND = "bob-second-password-2";
  private static final String WRONG = "not-the-password-9";

  @TempDir Path folder;
  private TestServer server;
  private HttpApi http;
  private final List<String> secrets = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start(folder);
    http = server.http;
    secrets.addAll(List.of(TestServer.ADMIN_PASSWORD, BOB_FIRST, BOB_SECOND, WRONG));
  }

  @AfterEach
  void stop() throws InterruptedException {
    assertEquals(0, server.awaitNoneBorrowed(), "objects still borrowed after the test");
    server.close();
  }

  /** The server again, on the same database, with {@code options} (name, value, ...). */
  private void restart(String... options) {
    server.close();
    server = TestServer.start(folder, options);
    http = server.http;
  }

  /** One event as the test expects it; {@code fields} exactly, a session's name as any name. */
  private record Expected(
      String action, String outcome, String actor, String target, Map<String, Object> fields) {}

  private static Expected event(
      String action, String outcome, String actor, String target, Object... fields) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      map.put((String) fields[i], fields[i + 1]);
    }
    return new Expected(action, outcome, actor, target, map);
  }

  private List<AuditRecord> recordsAfter(long seq) {
    try (UserDatabasePool.Access access = server.service().pool().access()) {
      return access.db().findAudit(AuditQuery.chainAfter(seq, 10_000));
    }
  }

  private long head() {
    try (UserDatabasePool.Access access = server.service().pool().access()) {
      return access.db().auditHead().seq();
    }
  }

  /** Runs {@code action} and checks the events it recorded, all of them and in order. */
  private <T> T expect(String what, Supplier<T> action, Expected... expected) throws Exception {
    long before = head();
    T result = action.get();
    List<AuditRecord> recorded = recordsAfter(before);
    List<String> actual = new ArrayList<>();
    for (AuditRecord r : recorded) {
      actual.add(r.action() + " " + r.outcome() + " " + r.actorName() + " -> " + r.targetName());
    }
    assertEquals(expected.length, recorded.size(), what + ": recorded " + actual);
    for (int i = 0; i < expected.length; i++) {
      Expected e = expected[i];
      AuditRecord r = recorded.get(i);
      String where = what + ", event " + (i + 1) + " of " + actual;
      assertEquals(e.action(), r.action(), where);
      assertEquals(e.outcome(), r.outcome(), where);
      assertEquals(e.actor(), r.actorName(), where);
      assertEquals(e.target(), r.targetName(), where);
      assertEquals("127.0.0.1", r.clientAddress(), where);
      Map<String, Object> fields =
          new LinkedHashMap<>(JSON.readValue(r.fields(), LinkedHashMap.class));
      Object name = fields.get("session");
      if (name != null) {
        assertTrue(name.toString().matches("[0-9a-f]{12}"), where + ": session " + name);
        fields.put("session", "*");
      }
      for (Map.Entry<String, Object> field : e.fields().entrySet()) {
        if ("*".equals(field.getValue()) && fields.containsKey(field.getKey())) {
          fields.put(field.getKey(), "*"); // any value: a time
        }
      }
      assertEquals(e.fields(), fields, where);
    }
    return result;
  }

  private Reply post(String path, String body, String... headers) {
    return http.send("POST", path, body, headers);
  }

  private String signIn(String name, String password) {
    String token = http.login(name, password);
    secrets.add(token);
    secrets.add(sha256(token));
    return token;
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void status(int expected, Reply reply) {
    assertEquals(expected, reply.status(), reply.body());
  }

  @Test
  void each_action_records_exactly_its_events_and_no_secret() throws Exception {
    String admin =
        expect(
            "sign-in",
            () -> signIn("admin", TestServer.ADMIN_PASSWORD),
            event("user.login", "success", "admin", "admin", "method", "password"),
            event("session.created", "success", "admin", "admin", "session", "*"));
    expect(
        "sign-in with a wrong password, the name in other letters",
        () -> post("/api/session", json("username", "ADMIN", "password", WRONG)),
        event(
            "user.login",
            "failure",
            "anonymous",
            "admin",
            "method",
            "password",
            "reason",
            "wrong_password"));
    expect(
        "sign-in as nobody",
        () -> post("/api/session", json("username", "ghost", "password", WRONG)),
        event(
            "user.login",
            "failure",
            "anonymous",
            "ghost",
            "method",
            "password",
            "reason",
            "unknown_user"));
    expect(
        "an admin creates a user",
        () -> {
          Reply r =
              post(
                  "/api/users",
                  json("username", "bob", "password", BOB_FIRST, "email", "bob@example.org"),
                  session(admin));
          status(201, r);
          return r;
        },
        event("user.created", "success", "admin", "bob", "roles", List.of("user")));
    expect(
        "an admin edits a profile",
        () -> http.send("PATCH", "/api/users/bob", json("displayName", "Bob"), session(admin)),
        event("user.updated", "success", "admin", "bob", "changed", List.of("displayName")));
    expect( // anyone may send their profile back at request rate: nothing changed, nothing said
        "the same profile again",
        () -> http.send("PATCH", "/api/users/bob", json("displayName", "Bob"), session(admin)));
    String bob =
        expect(
            "bob signs in",
            () -> signIn("bob", BOB_FIRST),
            event("user.login", "success", "bob", "bob", "method", "password"),
            event("session.created", "success", "bob", "bob", "session", "*"));
    String bobElsewhere = signIn("bob", BOB_FIRST);
    expect(
        "a user asks for the user list",
        () -> http.get("/api/users", session(bob)),
        event(
            "access.refused",
            "failure",
            "bob",
            null,
            "method",
            "GET",
            "path",
            "/api/users",
            "reason",
            "only admins may do that"));
    expect(
        "a user asks for the audit log",
        () -> {
          Reply r = http.get("/api/audit", session(bob));
          status(403, r);
          return r;
        },
        event(
            "access.refused",
            "failure",
            "bob",
            null,
            "method",
            "GET",
            "path",
            "/api/audit",
            "reason",
            "only admins may do that"));
    expect("me", () -> http.get("/api/me", session(bob)));
    expect(
        "a wrong current password",
        () ->
            http.send(
                "PUT",
                "/api/users/bob/password",
                json("password", BOB_SECOND, "currentPassword", WRONG),
                session(bob)),
        event(
            "user.login",
            "failure",
            "bob",
            "bob",
            "method",
            "current_password",
            "reason",
            "wrong_password"));
    expect(
        "a user changes their password",
        () -> {
          Reply r =
              http.send(
                  "PUT",
                  "/api/users/bob/password",
                  json("password", BOB_SECOND, "currentPassword", BOB_FIRST),
                  session(bob));
          status(204, r);
          return r;
        },
        event("user.login", "success", "bob", "bob", "method", "current_password"),
        event("user.password_changed", "success", "bob", "bob", "self", true),
        event("session.ended", "success", "bob", "bob", "reason", "password_changed", "count", 1));
    status(401, http.get("/api/me", session(bobElsewhere)));
    expect(
        "an admin changes roles",
        () ->
            http.send(
                "PATCH",
                "/api/users/bob",
                json("roles", new String[] {"user", "guest"}),
                session(admin)),
        event(
            "user.updated",
            "success",
            "admin",
            "bob",
            "changed",
            List.of("roles"),
            "roles_from",
            List.of("user"),
            "roles_to",
            List.of("guest", "user")));
    expect(
        "an admin disables a user",
        () -> http.send("PATCH", "/api/users/bob", json("disabled", true), session(admin)),
        event("user.disabled", "success", "admin", "bob"),
        event("session.ended", "success", "admin", "bob", "reason", "user_disabled", "count", 1));
    expect(
        "an admin enables a user",
        () -> http.send("PATCH", "/api/users/bob", json("disabled", false), session(admin)),
        event("user.enabled", "success", "admin", "bob"));
    String basicHeader = basic("bob", BOB_SECOND)[1];
    secrets.add(basicHeader.substring("Basic ".length()));
    expect(
        "Basic with a wrong password",
        () -> http.get("/api/me", basic("bob", WRONG)),
        event(
            "user.login",
            "failure",
            "anonymous",
            "bob",
            "method",
            "basic",
            "reason",
            "wrong_password"));
    secrets.add("pass word typed as a name");
    expect(
        "Basic with a name no account can have (it may be a password: recorded without it)",
        () -> http.get("/api/me", basic("pass word typed as a name", WRONG)),
        event(
            "user.login",
            "failure",
            "anonymous",
            null,
            "method",
            "basic",
            "reason",
            "invalid_username"));
    expect(
        "Basic that is no base64",
        () -> http.get("/api/me", "Authorization", "Basic !!not-base64!!"),
        event(
            "user.login", "failure", "anonymous", null, "method", "basic", "reason", "malformed"));
    expect(
        "Basic",
        () -> http.get("/api/me", basic("bob", BOB_SECOND)),
        event("user.login", "success", "bob", "bob", "method", "basic"));
    expect("Basic again, from the cache", () -> http.get("/api/me", basic("bob", BOB_SECOND)));
    expect(
        "an admin deletes a user",
        () -> http.send("DELETE", "/api/users/bob", null, session(admin)),
        event("user.deleted", "success", "admin", "bob"));
    expect(
        "sign-out",
        () -> http.send("DELETE", "/api/session", null, session(admin)),
        event("session.ended", "success", "admin", "admin", "reason", "sign_out", "session", "*"));

    assertNoSecretIn(recordsAfter(0).toString());
    String adminAgain = signIn("admin", TestServer.ADMIN_PASSWORD);
    Reply page = http.get("/api/audit?limit=500", session(adminAgain));
    status(200, page);
    assertNoSecretIn(page.body());
    try (UserDatabasePool.Access access = server.service().pool().access()) {
      assertFalse(access.db().findUser("admin").isEmpty());
      secrets.add(access.db().findUser("admin").orElseThrow().passwordHash());
      AuditVerifier verified =
          AuditVerifier.walk(
              after -> access.db().findAudit(AuditQuery.chainAfter(after, 100)),
              () -> access.db().auditHead());
      assertTrue(verified.problem().isEmpty(), () -> verified.problem().orElseThrow());
    }
    assertNoSecretIn(recordsAfter(0).toString());
  }

  private void assertNoSecretIn(String text) {
    for (String secret : secrets) {
      assertFalse(text.contains(secret), "a secret appears in the audit log: " + secret);
    }
  }

  @Test
  void a_session_gone_idle_is_recorded_as_expired_when_its_cookie_comes_back_and_once()
      throws Exception {
    String begunLonger = signIn("admin", TestServer.ADMIN_PASSWORD); // under the 30 min default
    int port = server.service().httpPort();
    restart("session-idle-timeout", "1s");
    AuditRecord stopped =
        recordsAfter(0).stream()
            .filter(r -> r.action().equals("service.stopped"))
            .findFirst()
            .orElseThrow();
    assertEquals("{\"http_port\":" + port + ",\"ajp_port\":-1}", stopped.fields());
    String admin = signIn("admin", TestServer.ADMIN_PASSWORD);
    Thread.sleep(1_500);
    expect(
        "the cookie of a session idle past its timeout",
        () -> refusedAsEnded(admin),
        IDLE_ADMIN_SESSION_ENDED);
    expect("the same cookie again", () -> http.get("/api/me", session(admin)));
    expect(
        "the cookie of a session begun under a longer timeout, its stored end still ahead",
        () -> refusedAsEnded(begunLonger),
        IDLE_ADMIN_SESSION_ENDED);
    assertNoSecretIn(recordsAfter(0).toString());
  }

  private static final Expected IDLE_ADMIN_SESSION_ENDED =
      event(
          "session.ended",
          "success",
          "anonymous",
          "admin",
          "reason",
          "expired",
          "expired",
          "idle",
          "session",
          "*");

  /** {@code GET /api/me} with a session cookie, refused as the session has ended. */
  private Reply refusedAsEnded(String cookie) {
    Reply r = http.get("/api/me", session(cookie));
    status(401, r);
    return r;
  }

  /**
   * The attempt that takes the last allowed check sets the lock before its password is checked (so
   * those sent beside it are refused); when the password is right, the lock goes with it.
   */
  @Test
  void a_right_password_on_the_last_allowed_attempt_locks_nobody_out() throws Exception {
    restart("login-failures-per-address", "3");
    for (int i = 0; i < 2; i++) {
      status(401, post("/api/session", json("username", "admin", "password", WRONG)));
    }
    expect(
        "the right password, third from the address",
        () -> signIn("admin", TestServer.ADMIN_PASSWORD),
        event(
            "address.locked",
            "success",
            "anonymous",
            null,
            "method",
            "password",
            "attempts",
            3,
            "locked_until",
            "*"),
        event("user.login", "success", "admin", "admin", "method", "password"),
        event(
            "address.unlocked",
            "success",
            "anonymous",
            null,
            "method",
            "password",
            "reason",
            "signed_in",
            "locked_until",
            "*"),
        event("session.created", "success", "admin", "admin", "session", "*"));
    signIn("admin", TestServer.ADMIN_PASSWORD); // not 429: the address is not locked

    restart();
    for (int i = 0; i < 4; i++) {
      status(401, post("/api/session", json("username", "admin", "password", WRONG)));
    }
    expect(
        "the right password, fifth for the account",
        () -> signIn("admin", TestServer.ADMIN_PASSWORD),
        event(
            "user.locked",
            "success",
            "anonymous",
            "admin",
            "method",
            "password",
            "attempts",
            5,
            "locked_until",
            "*"),
        event("user.login", "success", "admin", "admin", "method", "password"),
        event(
            "user.unlocked",
            "success",
            "admin",
            "admin",
            "reason",
            "signed_in",
            "locked_until",
            "*"),
        event("session.created", "success", "admin", "admin", "session", "*"));
    signIn("admin", TestServer.ADMIN_PASSWORD);
  }

  @Test
  void an_account_lock_is_recorded_once_and_refusals_after_it_say_locked() throws Exception {
    for (int i = 1; i <= 4; i++) {
      status(401, post("/api/session", json("username", "admin", "password", WRONG)));
    }
    expect(
        "the fifth failure",
        () -> post("/api/session", json("username", "admin", "password", WRONG)),
        event(
            "user.locked",
            "success",
            "anonymous",
            "admin",
            "method",
            "password",
            "attempts",
            5,
            "locked_until",
            "*"),
        event(
            "user.login",
            "failure",
            "anonymous",
            "admin",
            "method",
            "password",
            "reason",
            "wrong_password"));
  }

  @Test
  void admins_read_the_log_newest_first_in_pages_with_filters() throws Exception {
    String admin = signIn("admin", TestServer.ADMIN_PASSWORD);
    for (int i = 0; i < 3; i++) {
      post("/api/session", json("username", "ghost" + i, "password", WRONG));
    }
    Reply first = http.get("/api/audit?action=user.login&outcome=failure&limit=2", session(admin));
    status(200, first);
    JsonNode body = JSON.readTree(first.body());
    assertEquals(2, body.get("events").size());
    assertEquals("ghost2", body.at("/events/0/user/target/name").asText());
    assertEquals("ghost1", body.at("/events/1/user/target/name").asText());
    assertEquals("user.login", body.at("/events/0/event/action").asText());
    assertEquals("failure", body.at("/events/0/event/outcome").asText());
    assertEquals("authentication", body.at("/events/0/event/category/0").asText());
    assertEquals("127.0.0.1", body.at("/events/0/source/ip").asText());
    assertEquals("unknown_user", body.at("/events/0/userdb/reason").asText());
    Reply second =
        http.get(
            "/api/audit?action=user.login&outcome=failure&limit=2&before="
                + body.get("next").asText(),
            session(admin));
    JsonNode rest = JSON.readTree(second.body());
    assertEquals(1, rest.get("events").size());
    assertEquals("ghost0", rest.at("/events/0/user/target/name").asText());
    assertTrue(rest.get("next").isNull());
    JsonNode exact =
        JSON.readTree(
            http.get("/api/audit?action=user.login&outcome=failure&limit=3", session(admin))
                .body());
    assertEquals(3, exact.get("events").size());
    assertTrue(exact.get("next").isNull(), "a last page exactly full has no next: " + exact);
    JsonNode byUser = JSON.readTree(http.get("/api/audit?user=GHOST1", session(admin)).body());
    assertEquals(1, byUser.get("events").size());
    for (String since :
        new String[] {
          "yesterday", "%2B1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z"
        }) {
      Reply bad = http.get("/api/audit?since=" + since, session(admin));
      status(400, bad); // a year past what a record can hold, too: not a 500
      assertEquals("invalid_parameter", JSON.readTree(bad.body()).get("error").asText(), since);
    }
    status(401, http.get("/api/audit"));
    status(401, http.get("/api/audit?since=yesterday"));
    status(
        201,
        post(
            "/api/users",
            json("username", "bob", "password", BOB_FIRST, "roles", new String[] {"user"}),
            session(admin)));
    String bob = signIn("bob", BOB_FIRST);
    status(403, http.get("/api/audit?since=yesterday", session(bob))); // refused, not taught
  }
}
