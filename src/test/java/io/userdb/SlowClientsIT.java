package io.userdb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients, as in the outside report: sockets that send a header line or one body byte every
 * {@link #DRIP}, directly and through Apache, while {@code /health} and a signed-in {@code /api/me}
 * must keep answering fast. The numbers are bounded: the server runs with {@link #THREADS} request
 * threads, and each wave of slow bodies is smaller than that, but two waves are not. Without a
 * deadline on reading a body the first wave never ends, so the second takes the last threads; with
 * it, the first wave is answered and gone before the second arrives.
 */
class SlowClientsIT {

  static final int THREADS = 20;
  static final int SLOW_BODIES_PER_WAVE = 15;
  static final int SLOW_HEADERS = 100;
  static final Duration DRIP = Duration.ofSeconds(2);
  static final Duration FAST = Duration.ofSeconds(2);

  /** JsonBody.READ_DEADLINE (package-private there) and Apache's RequestReadTimeout body=10. */
  static final Duration BODY_DEADLINE = Duration.ofSeconds(10);

  /** RequestReadTimeout header=10-20: at most 20 s for a request's headers. */
  static final Duration HEADER_DEADLINE = Duration.ofSeconds(20);

  static final Duration MARGIN = Duration.ofSeconds(3);

  @TempDir Path work;

  @Test
  @Timeout(60)
  void slow_bodies_direct_get_a_json_timeout_and_health_and_me_stay_fast() throws Exception {
    try (TestServer server =
            TestServer.start(work.resolve("db"), "max-threads", Integer.toString(THREADS));
        SlowClients slow = new SlowClients("127.0.0.1", server.service().httpPort())) {
      List<String> failures = underSlowLoad(slow, server.http, true);
      assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
  }

  @Test
  @Timeout(60)
  void slow_headers_and_bodies_through_apache_are_cut_off_and_health_and_me_stay_fast()
      throws Exception {
    ApacheHttpd.binary();
    try (TestServer backend =
            TestServer.start(
                work.resolve("db"), "ajp-port", "0", "max-threads", Integer.toString(THREADS));
        ApacheHttpd apache = ApacheIT.apacheFor(work, backend, ApacheIT.secretOf(backend));
        SlowClients slow = new SlowClients("127.0.0.1", apache.port)) {
      List<String> failures = underSlowLoad(slow, apache.http(), false);
      // Apache holds a worker thread per connection while it reads the headers: without a
      // limit on that time, a few hundred such sockets take every worker (the report's 530).
      slow.awaitAnswers(slow.headers, "slow header", HEADER_DEADLINE.plus(MARGIN), false, failures);
      assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n" + apache.logs());
    }
  }

  /**
   * Opens the slow headers and a first wave of slow bodies, checks that the first wave is answered
   * within the body deadline, then opens a second wave and probes the service.
   */
  private static List<String> underSlowLoad(SlowClients slow, HttpApi http, boolean direct)
      throws Exception {
    String token = http.login("admin", TestServer.ADMIN_PASSWORD);
    List<String> failures = new CopyOnWriteArrayList<>();
    slow.openHeaders(SLOW_HEADERS);
    List<SlowClients.Client> first = slow.openBodies(SLOW_BODIES_PER_WAVE);
    probe(
        http,
        token,
        "with " + SLOW_HEADERS + " slow headers and one wave of slow bodies",
        failures);
    // Tomcat sees the deadline at the first byte after it, one DRIP late at most.
    slow.awaitAnswers(first, "slow body", BODY_DEADLINE.plus(DRIP).plus(MARGIN), direct, failures);
    slow.openBodies(SLOW_BODIES_PER_WAVE);
    Thread.sleep(500); // let the second wave's first bytes reach request threads
    probe(http, token, "with a second wave of slow bodies", failures);
    return failures;
  }

  /** /health and a signed-in /api/me, three times each, each within {@link #FAST}. */
  private static void probe(HttpApi http, String token, String when, List<String> failures) {
    HttpClient client = HttpApi.newClient();
    for (int round = 0; round < 3; round++) {
      for (String path : List.of("/health", "/api/me")) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(http.base() + path))
                .timeout(FAST.plus(MARGIN))
                .header("Cookie", "USERDB_SESSION=" + token)
                .build();
        long start = System.nanoTime();
        String outcome;
        try {
          HttpResponse<String> response =
              client.send(request, HttpResponse.BodyHandlers.ofString());
          outcome = Integer.toString(response.statusCode());
          boolean signedIn = !path.equals("/api/me") || response.body().contains("\"admin\"");
          if (response.statusCode() != 200 || !signedIn) {
            failures.add(path + " " + when + ": " + response.statusCode() + " " + response.body());
          }
        } catch (IOException e) {
          outcome = e.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%s %s: %s in %d ms%n", path, when, outcome, millis);
        if (millis > FAST.toMillis()) {
          failures.add(
              path
                  + " "
                  + when
                  + " took "
                  + millis
                  + " ms ("
                  + outcome
                  + "), over "
                  + FAST.toMillis());
        }
      }
    }
  }

  /** Raw loopback sockets that trickle, one write each per DRIP from a single thread. */
  static final class SlowClients implements AutoCloseable {

    private static final String BODY_HEAD =
        "POST /api/session HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n{";

    final List<Client> headers = new CopyOnWriteArrayList<>();
    private final List<Client> all = new CopyOnWriteArrayList<>();
    private final String host;
    private final int port;
    private final ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();

    SlowClients(String host, int port) {
      this.host = host;
      this.port = port;
      dripper.scheduleWithFixedDelay(
          this::dripAll, DRIP.toMillis(), DRIP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One socket; {@code drip} is what it sends every DRIP after {@code head}. */
    record Client(Socket socket, long openedNanos, byte[] drip) {}

    void openHeaders(int count) throws IOException {
      headers.addAll(
          open(count, "GET /health HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: trickle\r\n"));
    }

    List<Client> openBodies(int count) throws IOException {
      return open(count, BODY_HEAD, " ");
    }

    private List<Client> open(int count, String head, String drip) throws IOException {
      List<Client> opened = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        opened.add(new Client(socket, System.nanoTime(), drip.getBytes(StandardCharsets.US_ASCII)));
      }
      all.addAll(opened);
      return opened;
    }

    private void dripAll() {
      for (Client client : all) {
        if (!client.socket().isClosed()) {
          try {
            OutputStream out = client.socket().getOutputStream();
            out.write(client.drip());
            out.flush();
          } catch (IOException e) {
            // The server closed it: what the deadlines are for. awaitAnswers() tells.
          }
        }
      }
    }

    /**
     * Each client must be answered (or closed) within {@code within} of opening; with {@code json},
     * the answer must be userdb's JSON 408.
     */
    void awaitAnswers(
        List<Client> clients, String kind, Duration within, boolean json, List<String> failures)
        throws IOException {
      int answered = 0;
      String sample = "";
      for (Client client : clients) {
        long due = client.openedNanos() + within.toNanos();
        String answer = readUntil(client.socket(), due);
        boolean ok =
            answer != null
                && (!json
                    || answer.startsWith("HTTP/1.1 408") && answer.contains("\"body_timeout\""));
        if (ok) {
          answered++;
          sample = answer.lines().findFirst().orElse("(closed)");
        } else if (failures.stream().noneMatch(f -> f.startsWith(kind))) {
          failures.add(
              kind
                  + " not answered within "
                  + within.toSeconds()
                  + " s of opening: "
                  + (answer == null ? "still open" : answer));
        }
      }
      System.out.printf(
          "%s: %d of %d answered in time (%s)%n", kind, answered, clients.size(), sample);
    }

    /** What the server sent ("" if it closed without a word); null if silent and open at due. */
    private static String readUntil(Socket socket, long dueNanos) throws IOException {
      StringBuilder text = new StringBuilder();
      byte[] buffer = new byte[4096];
      try {
        InputStream in = socket.getInputStream();
        while (true) {
          int waitMillis = (int) Math.max(1, (dueNanos - System.nanoTime()) / 1_000_000);
          socket.setSoTimeout(waitMillis);
          int n = in.read(buffer);
          if (n < 0) {
            return text.toString();
          }
          text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException e) {
        return text.isEmpty() ? null : text.toString();
      } catch (IOException e) {
        return text + "(reset)"; // closed with data unread: answered all the same
      }
    }

    @Override
    public void close() throws Exception {
      dripper.shutdownNow();
      dripper.awaitTermination(5, TimeUnit.SECONDS);
      for (Client client : all) {
        client.socket().close();
      }
    }
  }
}
