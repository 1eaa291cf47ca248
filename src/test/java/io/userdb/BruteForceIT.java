package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing: one client address is limited however many accounts it spreads its
 * guesses over, and a failed sign-in says nothing about why it failed, neither in its answer
 * nor in its timing.
 */
class BruteForceIT {

  @TempDir Path folder;

  @Test
  void one_address_guessing_across_accounts_must_wait_even_with_a_right_password() {
    try (TestServer server = TestServer.start(folder, "login-failures-per-address", "3")) {
      HttpApi http = server.http;
      String[] admin = basic("admin", TestServer.ADMIN_PASSWORD);
      assertEquals(201, http.send("POST", "/api/users", json("username", "carol", "password", "carol-password"), admin).status());
      for (String name : List.of("victim1", "victim2", "victim3")) { // each below its own lockout
        assertEquals(401, http.send("POST", "/api/session", json("username", name, "password", "guess")).status());
      }
      Reply refused = http.send("POST", "/api/session", json("username", "carol", "password", "carol-password"));
      assertEquals(429, refused.status(), refused.body());
      assertTrue(refused.body().contains("\"error\""));
      assertTrue(Integer.parseInt(refused.header("Retry-After").orElseThrow()) >= 1);
      Reply basicRefused = http.get("/api/me", basic("carol", "carol-password"));
      assertEquals(429, basicRefused.status(), "Basic credentials count against the same address");
      assertEquals(200, http.get("/api/me", admin).status(), "a cached Basic credential is no new guess");
    }
  }

  @Test
  @Timeout(300)
  void unknown_user_wrong_password_and_disabled_user_look_the_same_and_take_as_long() {
    int rounds = 24;
    try (TestServer server = TestServer.start(folder, "login-failures-per-address", "10000")) {
      HttpApi http = server.http;
      String[] admin = HttpApi.session(http.login("admin", TestServer.ADMIN_PASSWORD));
      for (int i = 0; i < rounds; i++) { // a fresh account per attempt: no lockout in the way
        assertEquals(201, http.send("POST", "/api/users", json("username", "wrong" + i, "password", "right-password"), admin).status());
        assertEquals(201, http.send("POST", "/api/users", json("username", "off" + i, "password", "right-password"), admin).status());
        assertEquals(200, http.send("PATCH", "/api/users/off" + i, json("disabled", true), admin).status());
      }
      long[][] nanos = new long[3][rounds];
      String[] bodies = new String[3];
      for (int i = 0; i < rounds; i++) { // interleaved, so machine noise falls on all three alike
        String[][] attempts = {{"ghost" + i, "right-password"}, {"wrong" + i, "wrong-password"}, {"off" + i, "right-password"}};
        for (int kind = 0; kind < 3; kind++) {
          long start = System.nanoTime();
          Reply reply = http.send("POST", "/api/session", json("username", attempts[kind][0], "password", attempts[kind][1]));
          nanos[kind][i] = System.nanoTime() - start;
          assertEquals(401, reply.status(), attempts[kind][0]);
          assertTrue(reply.header("Set-Cookie").isEmpty());
          if (bodies[kind] == null) {
            bodies[kind] = reply.body();
          }
        }
      }
      assertEquals(bodies[0], bodies[1], "unknown user and wrong password answer alike");
      assertEquals(bodies[0], bodies[2], "unknown user and disabled user answer alike");
      double[] median = new double[3];
      double noise = 0;
      for (int kind = 0; kind < 3; kind++) {
        long[] sorted = nanos[kind].clone();
        Arrays.sort(sorted);
        median[kind] = sorted[rounds / 2] / 1e6;
        noise = Math.max(noise, (sorted[rounds * 3 / 4] - sorted[rounds / 4]) / 1e6); // interquartile range
      }
      double spread = Math.max(Math.abs(median[0] - median[1]), Math.max(Math.abs(median[0] - median[2]),
          Math.abs(median[1] - median[2])));
      // Without the dummy hash an unknown name would answer in ~1 ms against ~50-100 ms.
      assertTrue(spread <= Math.max(noise, 0.1 * median[1]),
          String.format("medians unknown %.1f, wrong %.1f, disabled %.1f ms; spread %.1f ms, noise (IQR) %.1f ms",
              median[0], median[1], median[2], spread, noise));
      Reports.write("login-timing.txt", String.format(
          "rounds=%d median_ms unknown=%.1f wrong_password=%.1f disabled=%.1f max_difference_ms=%.1f noise_iqr_ms=%.1f",
          rounds, median[0], median[1], median[2], spread, noise));
      List<String> distinct = new ArrayList<>(List.of(bodies));
      assertEquals(1, distinct.stream().distinct().count());
    }
  }
}
