package io.userdb;

import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.db.UserDatabasePool;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker's view of the audit log: requests anyone can repeat at request rate (refusals,
 * sign-ins refused by a lock) write a handful of records, not one each, and the records' {@code
 * suppressed} counts add up to every request sent once the service has stopped.
 */
@Timeout(120)
class AuditCoalescingIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REQUESTS = 300;
  private static final String BOB = "bob-password-for-coalescing";

  @TempDir Path folder;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void three_hundred_refusals_of_a_signed_in_user_write_a_handful_of_records() throws Exception {
    server = TestServer.start(folder);
    String bob = signedInUsers("bob").get(0);
    hammer(i -> server.http.get("/api/users", session(bob)).status(), 403);

    List<AuditRecord> refusals = afterRestart("access.refused");
    assertTrue(refusals.size() <= 3, "records: " + refusals.size());
    assertEquals(REQUESTS, occurrences(refusals), "every refusal counted");
    for (AuditRecord r : refusals) {
      assertEquals("bob", r.actorName());
    }
  }

  /** Paths are the attacker's to vary: each is a new key, up to the account's share of them. */
  @Test
  void refusals_on_three_hundred_paths_write_one_accounts_share_and_hide_nobody_elses()
      throws Exception {
    server = TestServer.start(folder);
    List<String> sessions = signedInUsers("bob", "carol");
    String bob = sessions.get(0);
    String carol = sessions.get(1);
    hammer(i -> server.http.get("/api/users/someone-" + i, session(bob)).status(), 403);
    assertEquals(403, server.http.get("/api/users/bob", session(carol)).status());

    List<AuditRecord> refusals = afterRestart("access.refused");
    List<AuditRecord> bobs = refusals.stream().filter(r -> "bob".equals(r.actorName())).toList();
    // its own keys, then the shared one's first and, at stop, what that one left out
    assertTrue(bobs.size() <= AuditCoalescer.KEYS_PER_ACTOR + 2, "records: " + bobs.size());
    assertEquals(REQUESTS, occurrences(bobs), "every refusal counted");
    List<AuditRecord> carols =
        refusals.stream().filter(r -> "carol".equals(r.actorName())).toList();
    assertEquals(1, carols.size());
    assertTrue(carols.get(0).fields().contains("\"path\":\"/api/users/bob\""), carols.toString());
    assertFalse(carols.get(0).fields().contains("coalesced"), carols.toString());
  }

  @Test
  void three_hundred_sign_ins_at_a_locked_account_write_a_handful_of_records() throws Exception {
    server = TestServer.start(folder, "login-failures-per-address", "1000");
    for (int i = 0; i < 5; i++) { // the fifth locks the account
      server.http.send("POST", "/api/session", json("username", "admin", "password", "wrong-1"));
    }
    hammer(
        i ->
            server
                .http
                .send("POST", "/api/session", json("username", "admin", "password", "wrong-" + i))
                .status(),
        429);

    List<AuditRecord> locked =
        afterRestart("user.login").stream()
            .filter(r -> r.fields().contains("\"reason\":\"locked\""))
            .toList();
    assertTrue(locked.size() <= 3, "records: " + locked.size());
    assertEquals(REQUESTS, occurrences(locked), "every refused sign-in counted");
  }

  /**
   * Sign-ins with a name or a password no account can have come before every limit and cost their
   * sender nothing: anyone, signed in or not, must not get one record each.
   */
  @Test
  void three_hundred_sign_ins_with_impossible_names_or_passwords_write_a_handful_of_records()
      throws Exception {
    server = TestServer.start(folder);
    String tooLong = "x".repeat(1025);
    hammer(
        i ->
            server
                .http
                .send(
                    "POST",
                    "/api/session",
                    i % 2 == 0
                        ? json("username", "no such name " + i, "password", "p")
                        : json("username", "user" + i, "password", tooLong))
                .status(),
        401);

    List<AuditRecord> refused =
        afterRestart("user.login").stream()
            .filter(
                r ->
                    r.fields().contains("\"reason\":\"invalid_username\"")
                        || r.fields().contains("\"reason\":\"invalid_password\""))
            .toList();
    // impossible names: one key, a few records; over-long passwords: a key per name tried, up to
    // the address's share of keys, then one shared
    assertTrue(refused.size() <= AuditCoalescer.KEYS_PER_ACTOR + 6, "records: " + refused.size());
    assertEquals(REQUESTS, occurrences(refused), "every refused sign-in counted");
  }

  /** Basic that names no account anyone could have: sent at will, in parallel, and coalesced. */
  @Test
  void three_hundred_basic_headers_refused_unread_write_a_handful_of_records() throws Exception {
    server = TestServer.start(folder);
    hammer(
        i ->
            server
                .http
                .get(
                    "/api/me",
                    i % 2 == 0
                        ? HttpApi.basic("no such name " + i, "p")
                        : new String[] {"Authorization", "Basic !!" + i})
                .status(),
        401);

    List<AuditRecord> refused =
        afterRestart("user.login").stream()
            .filter(r -> r.fields().contains("\"method\":\"basic\""))
            .toList();
    assertTrue(refused.size() <= 6, "records: " + refused.size()); // two reasons, a few each
    assertEquals(REQUESTS, occurrences(refused), "every refusal counted");
    for (AuditRecord r : refused) {
      assertFalse(r.toString().contains("no such name"), "what was sent is not kept: " + r);
    }
  }

  /** Plain users made by the admin, signed in: their session tokens, in order. */
  private List<String> signedInUsers(String... names) {
    String admin = server.http.login("admin", TestServer.ADMIN_PASSWORD);
    List<String> tokens = new java.util.ArrayList<>();
    for (String name : names) {
      assertEquals(
          201,
          server
              .http
              .send(
                  "POST",
                  "/api/users",
                  json("username", name, "password", BOB, "roles", new String[] {"user"}),
                  session(admin))
              .status());
      tokens.add(server.http.login(name, BOB));
    }
    return tokens;
  }

  /** Sends {@link #REQUESTS} requests from 16 threads at once; each must answer {@code status}. */
  private static void hammer(Function<Integer, Integer> request, int status) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    try {
      List<? extends java.util.concurrent.Future<?>> sent =
          java.util.stream.IntStream.range(0, REQUESTS)
              .mapToObj(
                  i ->
                      threads.submit(
                          () -> {
                            go.await();
                            int got = request.apply(i);
                            if (got != status) {
                              wrong.add("request " + i + " answered " + got);
                            }
                            return null;
                          }))
              .toList();
      go.countDown();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertTrue(wrong.isEmpty(), wrong.toString());
  }

  /** The records of {@code action}, read after a stop that records what was left out. */
  private List<AuditRecord> afterRestart(String action) {
    server.close();
    server = TestServer.start(folder);
    try (UserDatabasePool.Access access = server.service().pool().access()) {
      return access.db().findAudit(AuditQuery.oldest(null, action, null, 0, 10_000));
    }
  }

  /** Each record stands for itself and for those it says were suppressed. */
  private static long occurrences(List<AuditRecord> records) throws Exception {
    long total = 0;
    for (AuditRecord r : records) {
      JsonNode fields = JSON.readTree(r.fields());
      total += 1 + fields.path("suppressed").asLong(0);
    }
    return total;
  }
}
