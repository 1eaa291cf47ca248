package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import io.userdb.db.NewUser;
import io.userdb.db.UserDatabasePool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing: one client address is limited however many accounts it spreads its guesses
 * over, and a failed sign-in says nothing about why it failed, neither in its answer nor in its
 * timing.
 */
class BruteForceIT {

  @TempDir Path folder;

  @Test
  void one_address_guessing_across_accounts_must_wait_even_with_a_right_password() {
    try (TestServer server = TestServer.start(folder, "login-failures-per-address", "3")) {
      HttpApi http = server.http;
      String[] admin = basic("admin", TestServer.ADMIN_PASSWORD);
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  json("username", "carol", "password", "carol-password"),
                  admin)
              .status());
      for (String name : List.of("victim1", "victim2", "victim3")) { // each below its own lockout
        assertEquals(
            401,
            http.send("POST", "/api/session", json("username", name, "password", "guess"))
                .status());
      }
      Reply refused =
          http.send(
              "POST", "/api/session", json("username", "carol", "password", "carol-password"));
      assertEquals(429, refused.status(), refused.body());
      assertTrue(refused.body().contains("\"error\""));
      assertTrue(Integer.parseInt(refused.header("Retry-After").orElseThrow()) >= 1);
      Reply basicRefused = http.get("/api/me", basic("carol", "carol-password"));
      assertEquals(429, basicRefused.status(), "Basic credentials count against the same address");
      assertEquals(
          200, http.get("/api/me", admin).status(), "a cached Basic credential is no new guess");
    }
  }

  /**
   * An account as an htpasswd import leaves it: a legacy hash, upgraded only at its next sign-in.
   */
  private static void importAccount(TestServer server, String name, String legacyHash) {
    try (UserDatabasePool.Lease lease = server.service().pool().borrow()) {
      lease.db().createUser(new NewUser(name, legacyHash, "", "", Set.of("user")), Instant.now());
    }
  }

  private static String sha(String password) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
    return "{SHA}" + Base64.getEncoder().encodeToString(digest);
  }

  @Test
  @Timeout(300)
  void unknown_user_wrong_password_disabled_and_imported_users_look_the_same_and_take_as_long()
      throws Exception {
    int rounds = 16;
    String[] kinds = {
      "unknown",
      "wrong password",
      "disabled",
      "imported {SHA}",
      "imported $2y$05",
      "imported $2y$12"
    };
    try (TestServer server = TestServer.start(folder, "login-failures-per-address", "10000")) {
      HttpApi http = server.http;
      String[] admin = HttpApi.session(http.login("admin", TestServer.ADMIN_PASSWORD));
      String bcrypt = OpenBSDBCrypt.generate("2y", "right-password".toCharArray(), new byte[16], 5);
      String slowBcrypt =
          OpenBSDBCrypt.generate("2y", "right-password".toCharArray(), new byte[16], 12);
      for (int i = 0; i < rounds; i++) { // a fresh account per attempt: no lockout in the way
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "wrong" + i, "password", "right-password"),
                    admin)
                .status());
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "off" + i, "password", "right-password"),
                    admin)
                .status());
        assertEquals(
            200, http.send("PATCH", "/api/users/off" + i, json("disabled", true), admin).status());
        importAccount(server, "sha" + i, sha("right-password"));
        importAccount(server, "bcrypt" + i, bcrypt);
        importAccount(server, "slow" + i, slowBcrypt);
      }
      long[][] nanos = new long[kinds.length][rounds];
      String[] bodies = new String[kinds.length];
      for (int i = 0; i < rounds; i++) { // interleaved, so machine noise falls on all alike
        String[][] attempts = {
          {"ghost" + i, "right-password"},
          {"wrong" + i, "wrong-password"},
          {"off" + i, "right-password"},
          {"sha" + i, "wrong-password"},
          {"bcrypt" + i, "wrong-password"},
          {"slow" + i, "wrong-password"}
        };
        for (int kind = 0; kind < kinds.length; kind++) {
          long start = System.nanoTime();
          Reply reply =
              http.send(
                  "POST",
                  "/api/session",
                  json("username", attempts[kind][0], "password", attempts[kind][1]));
          nanos[kind][i] = System.nanoTime() - start;
          assertEquals(401, reply.status(), attempts[kind][0]);
          assertTrue(reply.header("Set-Cookie").isEmpty());
          if (bodies[kind] == null) {
            bodies[kind] = reply.body();
          }
        }
      }
      double[] median = new double[kinds.length];
      double noise = 0;
      for (int kind = 0; kind < kinds.length; kind++) {
        assertEquals(bodies[0], bodies[kind], kinds[kind] + " answers as an unknown user does");
        long[] sorted = nanos[kind].clone();
        Arrays.sort(sorted);
        median[kind] = sorted[rounds / 2] / 1e6;
        noise =
            Math.max(
                noise, (sorted[rounds * 3 / 4] - sorted[rounds / 4]) / 1e6); // interquartile range
      }
      double spread =
          Arrays.stream(median).max().orElseThrow() - Arrays.stream(median).min().orElseThrow();
      StringBuilder figures = new StringBuilder();
      for (int kind = 0; kind < kinds.length; kind++) {
        figures.append(String.format("%s=%.1f ", kinds[kind].replace(' ', '_'), median[kind]));
      }
      // Without the dummy hash an unknown name would answer in ~1 ms against ~50-100 ms; without
      // the failure floor a {SHA} account in 2-8 ms and a bcrypt cost 12 one in ~270 ms.
      assertTrue(
          spread <= Math.max(noise, 0.15 * median[1]),
          String.format(
              "medians %s ms; spread %.1f ms, noise (IQR) %.1f ms", figures, spread, noise));
      Reports.write(
          "login-timing.txt",
          String.format(
              "rounds=%d median_ms %smax_difference_ms=%.1f noise_iqr_ms=%.1f",
              rounds, figures, spread, noise));
    }
  }
}
