package io.userdb.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener over real loopback sockets: answers, and the bounds a slow or hostile peer meets
 * (the connection deadline, the connection limit, the allow-list). The authorizer here answers who
 * the request says it is: what is under test is the transport, not a decision.
 */
@Timeout(60)
class FastCgiServerTest {

  private static final Authorizer ECHO =
      env -> AuthorizerResponse.of(200).withVariable("SEEN", env.getOrDefault("REQUEST_URI", ""));

  private FastCgiServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  private FastCgiServer start(FastCgiLimits limits, Authorizer authorizer) throws IOException {
    server =
        FastCgiServer.start(
            InetAddress.getLoopbackAddress(),
            0,
            authorizer,
            limits,
            peer -> !peer.getHostAddress().equals("127.0.0.3"));
    return server;
  }

  private static byte[] check(String uri) {
    return new Records()
        .begin(1, 2)
        .environment(1, Map.of("FCGI_ROLE", "AUTHORIZER", "REQUEST_URI", uri), 16 * 1024)
        .bytes();
  }

  private Socket connect(String from) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** What the server sent until it closed. */
  private static byte[] readAll(Socket socket) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // closed hard: what arrived is what counts
    }
    return received.toByteArray();
  }

  private String ask(String from, byte[] request) throws IOException {
    try (Socket socket = connect(from)) {
      socket.getOutputStream().write(request);
      List<Records.Read> records = Records.parse(readAll(socket));
      return records.isEmpty() ? "" : records.get(0).text();
    }
  }

  @Test
  void checks_in_parallel_are_each_answered_on_their_own_connection() throws Exception {
    start(FastCgiLimits.DEFAULT, ECHO);
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String uri = "/page/" + i;
        answers.add(clients.submit(() -> ask("127.0.0.1", check(uri))));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertEquals("Status: 200\r\nVariable-SEEN: /page/" + i + "\r\n\r\n", answers.get(i).get());
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void a_peer_the_allow_list_refuses_is_closed_on_unanswered() throws Exception {
    start(FastCgiLimits.DEFAULT, ECHO);
    assertEquals("", ask("127.0.0.3", check("/x")));
    assertTrue(ask("127.0.0.2", check("/x")).startsWith("Status: 200"));
  }

  @Test
  void a_peer_sending_a_byte_now_and_then_is_cut_off_at_the_connection_deadline() throws Exception {
    start(FastCgiLimits.DEFAULT.withConnectionDeadline(Duration.ofMillis(1500)), ECHO);
    byte[] request = check("/slow");
    try (Socket socket = connect("127.0.0.1")) {
      OutputStream out = socket.getOutputStream();
      long started = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < request.length && !closed; i++) {
        try {
          out.write(request[i]); // one byte every 200 ms: each read alone is quick enough
          out.flush();
          Thread.sleep(200);
        } catch (IOException e) {
          closed = true;
        }
        if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(5)) {
          break;
        }
      }
      byte[] answer = readAll(socket);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(0, answer.length, "no answer to a peer past its deadline");
      assertTrue(tookMillis < 4000, "closed after " + tookMillis + " ms");
    }
  }

  @Test
  void connections_past_the_limit_are_closed_at_once_and_the_held_ones_time_out() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Authorizer slow =
        env -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return ECHO.authorize(env);
        };
    start(FastCgiLimits.DEFAULT.withConnections(4, 4), slow);
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Socket s = connect("127.0.0.1");
        s.getOutputStream().write(check("/held/" + i));
        held.add(s);
      }
      Thread.sleep(300); // the four are being answered (slowly)
      try (Socket fifth = connect("127.0.0.1")) {
        fifth.getOutputStream().write(check("/fifth"));
        fifth.setSoTimeout(2000);
        byte[] answer;
        try {
          answer = readAll(fifth);
        } catch (SocketTimeoutException e) {
          throw new AssertionError("the fifth connection was held, not closed");
        }
        assertEquals(0, answer.length);
      }
      release.countDown();
      for (int i = 0; i < held.size(); i++) {
        List<Records.Read> records = Records.parse(readAll(held.get(i)));
        assertTrue(records.get(0).text().contains("/held/" + i), records.toString());
      }
      assertTrue(ask("127.0.0.1", check("/after")).contains("/after"), "served again");
    } finally {
      release.countDown();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void garbage_and_a_failing_authorizer_never_get_a_200() throws Exception {
    start(
        FastCgiLimits.DEFAULT,
        env -> {
          throw new IllegalStateException("boom");
        });
    assertEquals("", ask("127.0.0.1", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
    assertEquals("Status: 500\r\n\r\n", ask("127.0.0.1", check("/x")));
  }
}
