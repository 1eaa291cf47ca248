package io.userdb;

import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak: 64 clients of mixed traffic (reads, profile writes, listings, sign-ins) against a
 * server process for 60 s ({@code -Duserdb.soak.seconds}). No 5xx but deliberate 503s, the pool
 * idle again afterwards, and no growth in threads or open descriptors between the first and the
 * last 10 s (measured after 15 s of the same load, in which Tomcat grows its thread pool to the
 * load). Tomcat's request threads are held to --max-threads instead: its executor adds one whenever
 * a request arrives before a finished worker is back in its queue, so their number creeps within
 * the bound under keep-alive load without anything leaking.
 */
class SoakIT {

  static final int SECONDS = Integer.getInteger("userdb.soak.seconds", 60);

  /**
   * Load before the measured seconds: Tomcat grows its thread pool to the load, the JIT settles.
   */
  static final int WARM_UP = 15;

  static final int CLIENTS = 64;
  static final int USERS = 8;
  static final int MAX_THREADS = 48;

  @TempDir Path work;

  @Test
  @Timeout(600)
  void sixty_seconds_of_mixed_load_leaks_nothing_and_fails_nothing() throws Exception {
    Map<String, String> env = Map.of("USERDB_ADMIN_PASSWORD", "soak-admin-password");
    try (UserdbProcess server =
        UserdbProcess.serve(
            work,
            env,
            "--db",
            work.resolve("data/userdb.db").toString(),
            "--http-port",
            "0",
            "--ajp-port",
            "-1",
            "--login-failures-per-address",
            "100000",
            "--max-threads",
            Integer.toString(MAX_THREADS))) {
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      String admin = http.login("admin", "soak-admin-password");
      String[] tokens = new String[USERS];
      for (int u = 0; u < USERS; u++) {
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "soak" + u, "password", "soak-password"),
                    HttpApi.session(admin))
                .status());
        tokens[u] = http.login("soak" + u, "soak-password");
      }
      // Each client signs in as an account of its own: sign-ins of one account in parallel
      // would find it locked (each check is counted before it runs), and each sign-in of a
      // shared account would end its oldest session, the one the clients use, at the cap.
      for (int c = 0; c < CLIENTS; c++) {
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "signin" + c, "password", "soak-password"),
                    HttpApi.session(admin))
                .status());
      }
      Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
      AtomicLong transportErrors = new AtomicLong();
      long measureFrom = System.nanoTime() + Duration.ofSeconds(WARM_UP).toNanos();
      long deadline = measureFrom + Duration.ofSeconds(SECONDS).toNanos();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int user = c % USERS;
        String signIn = "signin" + c;
        Thread t =
            new Thread(
                () ->
                    client(
                        http.base(),
                        "soak" + user,
                        signIn,
                        tokens[user],
                        admin,
                        deadline,
                        statuses,
                        transportErrors),
                "soak-client-" + c);
        clients.add(t);
        t.start();
      }
      List<long[]> samples =
          new ArrayList<>(); // {threads but Tomcat's, fds, Tomcat's} once a second
      long pid = server.process.pid();
      Map<String, Long> threadsEarly = null;
      Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
      while (System.nanoTime() < deadline) {
        Map<String, Long> threads = threadNames(pid); // one snapshot for both counts
        long all = threads.values().stream().mapToLong(Long::longValue).sum();
        long connector = connectorThreads(threads);
        samples.add(new long[] {all - connector, fds(pid), connector});
        if (samples.size() == 10) {
          threadsEarly = threads;
        }
        Thread.sleep(1000);
      }
      Map<String, Long> threadsLate = threadNames(pid);
      for (Thread t : clients) {
        t.join(60_000);
      }
      int activeAfter = -1;
      for (int i = 0; i < 50 && activeAfter != 0; i++) {
        activeAfter =
            new ObjectMapper()
                .readTree(http.get("/health").body())
                .path("pool")
                .path("active")
                .asInt(-1);
        Thread.sleep(100);
      }
      long total = statuses.values().stream().mapToLong(AtomicLong::get).sum();
      long ok =
          statuses.entrySet().stream()
              .filter(e -> e.getKey() / 100 == 2)
              .mapToLong(e -> e.getValue().get())
              .sum();
      long busy = statuses.getOrDefault(503, new AtomicLong()).get();
      int window = Math.min(10, samples.size() / 3);
      long[] first = peak(samples.subList(0, window));
      long[] last = peak(samples.subList(samples.size() - window, samples.size()));
      String figures =
          String.format(
              "warm_up="
                  + WARM_UP
                  + " seconds=%d clients=%d requests=%d ok=%d deliberate_503=%d other=%d transport_errors=%d"
                  + " threads_first=%d threads_last=%d fds_first=%d fds_last=%d connector_threads_most=%d pool_active_after=%d",
              SECONDS,
              CLIENTS,
              total,
              ok,
              busy,
              total - ok - busy,
              transportErrors.get(),
              first[0],
              last[0],
              first[1],
              last[1],
              peak(samples)[2],
              activeAfter);
      assertEquals(total, ok + busy, "only 2xx and deliberate 503s: " + statuses + "; " + figures);
      assertEquals(0, transportErrors.get(), figures);
      assertTrue(total > 1000, figures);
      assertEquals(0, activeAfter, "every pooled object back: " + figures);
      assertTrue(
          last[0] <= first[0] + 2,
          "threads grew: "
              + figures
              + "\nat 10 s: "
              + threadsEarly
              + "\nat the end: "
              + threadsLate);
      assertTrue(last[1] <= first[1] + 2, "open descriptors grew: " + figures);
      // Workers plus the connector's poller and acceptor.
      assertTrue(
          peak(samples)[2] <= MAX_THREADS + 2, "request threads past --max-threads: " + figures);
      Reports.write("soak.txt", figures);
    }
  }

  private static void client(
      String base,
      String user,
      String signIn,
      String token,
      String adminToken,
      long deadline,
      Map<Integer, AtomicLong> statuses,
      AtomicLong transportErrors) {
    HttpClient client = HttpApi.newClient();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (long i = 0; System.nanoTime() < deadline; i++) {
      int dice = random.nextInt(1000);
      HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30));
      if (dice < 850) {
        request.uri(URI.create(base + "/api/me")).header("Cookie", "USERDB_SESSION=" + token).GET();
      } else if (dice < 950) {
        request
            .uri(URI.create(base + "/api/users/" + user))
            .header("Cookie", "USERDB_SESSION=" + token)
            .header("Content-Type", "application/json")
            .method("PATCH", body(json("displayName", user + " " + i)));
      } else if (dice < 998) {
        request
            .uri(URI.create(base + "/api/users?q=soak&limit=100"))
            .header("Cookie", "USERDB_SESSION=" + adminToken)
            .GET();
      } else { // a sign-in now and then: Argon2id on the same cores
        request
            .uri(URI.create(base + "/api/session"))
            .header("Content-Type", "application/json")
            .POST(body(json("username", signIn, "password", "soak-password")));
      }
      try {
        int status =
            client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
      } catch (IOException e) {
        transportErrors.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
  }

  private static long[] peak(List<long[]> samples) {
    return new long[] {
      samples.stream().mapToLong(s -> s[0]).max().orElse(0),
      samples.stream().mapToLong(s -> s[1]).max().orElse(0),
      samples.stream().mapToLong(s -> s[2]).max().orElse(0)
    };
  }

  /** Threads of Tomcat's HTTP connector ("http-nio-...": workers, poller, acceptor). */
  static long connectorThreads(Map<String, Long> threadNames) {
    return threadNames.entrySet().stream()
        .filter(e -> e.getKey().startsWith("http-nio-"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** Thread names (as the kernel has them, digits dropped) and how many of each. */
  static Map<String, Long> threadNames(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      return tasks
          .map(
              t -> {
                try {
                  return Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]", "");
                } catch (IOException e) {
                  return "?";
                }
              })
          .collect(
              java.util.stream.Collectors.groupingBy(
                  n -> n, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }
  }

  static long fds(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }
}
