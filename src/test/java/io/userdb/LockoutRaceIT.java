package io.userdb;

import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guesses sent all at once, as an attacker sends them: each is counted before its slow hash runs,
 * so a burst gets the policy's number of checks (5 per account) and no more, from one address or
 * from several, for a known name exactly as for an unknown one. The checks are counted in /metrics
 * ({@code userdb_password_checks_total}) and in the database file.
 */
class LockoutRaceIT {

  private static final int BURST = 40;
  private static final int THRESHOLD = 5; // LockoutPolicy.DEFAULT
  private static final Pattern CHECKS =
      Pattern.compile("(?m)^userdb_password_checks_total\\S* (\\S+)$");

  @TempDir Path folder;

  static double hashChecks(HttpApi http) {
    Matcher m = CHECKS.matcher(http.get("/metrics").body());
    assertTrue(m.find(), "userdb_password_checks_total in /metrics");
    return Double.parseDouble(m.group(1));
  }

  /** Sends {@code count} requests at once (released together by a latch); returns each status. */
  static List<Integer> burst(int count, IntFunction<Reply> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        replies.add(
            pool.submit(
                () -> {
                  go.await();
                  return request.apply(n).status();
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> reply : replies) {
        statuses.add(reply.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<Integer, Integer> tally(List<Integer> statuses) {
    Map<Integer, Integer> tally = new TreeMap<>();
    statuses.forEach(s -> tally.merge(s, 1, Integer::sum));
    return tally;
  }

  private static Reply signIn(HttpApi http, String name, String password, String forwardedFor) {
    String body = json("username", name, "password", password);
    return forwardedFor == null
        ? http.send("POST", "/api/session", body)
        : http.send("POST", "/api/session", body, "X-Forwarded-For", forwardedFor);
  }

  private static void createUser(HttpApi http, String name) {
    Reply created =
        http.send(
            "POST",
            "/api/users",
            json("username", name, "password", name + "-password"),
            HttpApi.basic("admin", TestServer.ADMIN_PASSWORD));
    assertEquals(201, created.status(), created.body());
  }

  private static int failedLogins(Path db, String name) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT failed_logins FROM users WHERE username = '" + name + "'")) {
      assertTrue(rs.next());
      return rs.getInt(1);
    }
  }

  @Test
  @Timeout(120)
  void a_parallel_burst_gets_the_policys_checks_and_the_right_password_then_waits()
      throws Exception {
    try (TestServer server = TestServer.start(folder, "login-failures-per-address", "10000")) {
      HttpApi http = server.http;
      createUser(http, "carol");
      double before = hashChecks(http);
      List<Integer> known = burst(BURST, i -> signIn(http, "carol", "guess-" + i, null));
      double checks = hashChecks(http) - before;
      assertTrue(
          checks <= THRESHOLD,
          checks + " hashes for " + BURST + " parallel guesses: " + tally(known));
      assertEquals(
          THRESHOLD, failedLogins(server.db, "carol"), "every reserved guess counted, none lost");
      assertEquals(Map.of(401, THRESHOLD, 429, BURST - THRESHOLD), tally(known));
      Reply right = signIn(http, "carol", "carol-password", null);
      assertEquals(
          429, right.status(), "the right password waits for the lock to end: " + right.body());

      before = hashChecks(http);
      List<Integer> unknown = burst(BURST, i -> signIn(http, "nobody-here", "guess-" + i, null));
      assertTrue(hashChecks(http) - before <= THRESHOLD, "an unknown name costs no more hashes");
      assertEquals(tally(known), tally(unknown), "known and unknown names answer alike");

      Thread.sleep(Long.parseLong(right.header("Retry-After").orElseThrow()) * 1000 + 200);
      assertEquals(
          200,
          signIn(http, "carol", "carol-password", null).status(),
          "after the lock, the owner gets in");
      assertEquals(0, failedLogins(server.db, "carol"));
    }
  }

  @Test
  @Timeout(120)
  void bursts_from_four_addresses_share_the_accounts_limit() throws Exception {
    try (TestServer server =
        TestServer.start(
            folder, "login-failures-per-address", "10000", "trusted-proxies", "127.0.0.1")) {
      HttpApi http = server.http;
      createUser(http, "dave");
      double before = hashChecks(http);
      List<Integer> all =
          burst(4 * BURST, i -> signIn(http, "dave", "guess-" + i, "198.51.100." + (i % 4 + 1)));
      double checks = hashChecks(http) - before;
      assertTrue(
          checks <= THRESHOLD, checks + " hashes for 4 x " + BURST + " guesses: " + tally(all));
      assertEquals(THRESHOLD, failedLogins(server.db, "dave"));
    }
  }

  @Test
  @Timeout(120)
  void one_address_spreading_a_burst_over_names_gets_its_own_limit_of_checks() throws Exception {
    int perAddress = 8;
    try (TestServer server =
        TestServer.start(folder, "login-failures-per-address", Integer.toString(perAddress))) {
      HttpApi http = server.http;
      double before = hashChecks(http);
      List<Integer> statuses = burst(100, i -> signIn(http, "unknown" + i, "guess", null));
      double checks = hashChecks(http) - before;
      assertTrue(
          checks <= perAddress,
          checks + " hashes for 100 names from one address: " + tally(statuses));
      assertEquals(
          perAddress,
          (int) statuses.stream().filter(s -> s == 401).count(),
          tally(statuses).toString());
    }
  }

  @Test
  @Timeout(120)
  void a_stolen_session_cannot_guess_the_current_password_past_the_lockout() throws Exception {
    try (TestServer server = TestServer.start(folder, "login-failures-per-address", "10000")) {
      HttpApi http = server.http;
      createUser(http, "erin");
      String[] stolen = HttpApi.session(http.login("erin", "erin-password"));
      Reply missing =
          http.send("PUT", "/api/users/erin/password", json("password", "new-password-1"), stolen);
      assertEquals(
          400, missing.status(), "a missing currentPassword is bad input: " + missing.body());
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        statuses.add(
            http.send(
                    "PUT",
                    "/api/users/erin/password",
                    json("password", "new-password-1", "currentPassword", "guess-" + i),
                    stolen)
                .status());
      }
      assertEquals(Map.of(403, THRESHOLD, 429, 30 - THRESHOLD), tally(statuses));
      Reply right =
          http.send(
              "PUT",
              "/api/users/erin/password",
              json("password", "new-password-1", "currentPassword", "erin-password"),
              stolen);
      assertEquals(
          429,
          right.status(),
          "the right current password waits for the lock too: " + right.body());
      assertEquals(
          200, http.get("/api/me", HttpApi.basic("admin", TestServer.ADMIN_PASSWORD)).status());
    }
  }

  @Test
  void an_over_long_password_is_refused_before_any_hashing() {
    try (TestServer server = TestServer.start(folder)) {
      HttpApi http = server.http;
      double before = hashChecks(http);
      Reply reply = signIn(http, "admin", "x".repeat(60_000), null);
      assertEquals(401, reply.status(), reply.body());
      assertEquals(0.0, hashChecks(http) - before, "no hash for a password no account can have");
    }
  }
}
