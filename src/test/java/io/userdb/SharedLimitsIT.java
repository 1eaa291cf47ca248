package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two backends on one store, guesses spread over both, in parallel: the per-name and per-address
 * counts live in the store, so two backends give an attacker no more password checks than one (on
 * one SQLite file shared by two processes, and on PostgreSQL).
 */
class SharedLimitsIT {

  private static final String ADMIN_PASSWORD = "admin-password-limits-90be";

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void guesses_spread_over_two_backends_get_the_checks_of_one(String store) throws Exception {
    String db =
        store.equals("sqlite")
            ? work.resolve("data/userdb.db").toString()
            : PostgresServer.shared().newDatabase();
    Map<String, String> env =
        Map.of(
            "USERDB_DB_PASSWORD", PostgresServer.PASSWORD, "USERDB_ADMIN_PASSWORD", ADMIN_PASSWORD);
    String[] args = {"--db", db, "--http-port", "0", "--ajp-port", "-1"};
    try (UserdbProcess a = UserdbProcess.serve(work, env, args);
        UserdbProcess b = UserdbProcess.serve(work, env, args)) {
      List<HttpApi> backends =
          List.of(
              new HttpApi("http://127.0.0.1:" + a.httpPort),
              new HttpApi("http://127.0.0.1:" + b.httpPort));
      double before = checks(backends);

      // 16 wrong guesses for one name with no account: the name locks after 5 checks.
      Map<Integer, Integer> answers = guess(backends, 16, i -> "nobody");
      assertEquals(Map.of(401, 5, 429, 11), answers);
      assertEquals(
          5, checks(backends) - before, "password checks for the name, both backends together");

      // 40 more guesses from the same address, each for a new name: the address (20 by default,
      // 16 taken above) locks after 4 more checks.
      answers = guess(backends, 40, i -> "ghost" + i);
      assertEquals(Map.of(401, 4, 429, 36), answers);
      assertEquals(9, checks(backends) - before, "password checks in all, both backends together");
    }
  }

  /** Wrong passwords for the given names, sent 8 at a time, alternately to each backend. */
  private static Map<Integer, Integer> guess(
      List<HttpApi> backends, int count, java.util.function.IntFunction<String> name)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        HttpApi backend = backends.get(i % 2);
        String username = name.apply(i);
        replies.add(
            pool.submit(
                () ->
                    backend
                        .send(
                            "POST",
                            "/api/session",
                            HttpApi.json("username", username, "password", "wrong-guess-1234"))
                        .status()));
      }
      Map<Integer, Integer> answers = new TreeMap<>();
      for (Future<Integer> reply : replies) {
        answers.merge(reply.get(60, TimeUnit.SECONDS), 1, Integer::sum);
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Slow password checks run so far, summed over the backends' /metrics. */
  private static double checks(List<HttpApi> backends) {
    double sum = 0;
    for (HttpApi backend : backends) {
      sum +=
          backend
              .get("/metrics")
              .body()
              .lines()
              .filter(l -> l.startsWith("userdb_password_checks_total"))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
    }
    return sum;
  }
}
