package io.userdb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.postgres.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads that create users and change their display names as fast as the server answers,
 * each value unique, recording every outcome in a {@link WriteLedger}. A thread stops at the first
 * request that gets no answer (the server was killed under it).
 */
final class WriteLoad implements AutoCloseable {

  static final String PASSWORD = "crash-admin-password";

  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
  private final AtomicLong refused = new AtomicLong();
  private final boolean unsure503;
  private volatile boolean stopped;

  private WriteLoad(boolean unsure503) {
    this.unsure503 = unsure503;
  }

  static Map<String, String> env() {
    return Map.of("USERDB_ADMIN_PASSWORD", PASSWORD);
  }

  /** {@link #env()} for a server on the test cluster's databases. */
  static Map<String, String> envOnPostgres() {
    return Map.of("USERDB_ADMIN_PASSWORD", PASSWORD, "USERDB_DB_PASSWORD", PostgresServer.PASSWORD);
  }

  /** Each user's display name as {@code cluster} holds it in {@code databaseUrl}'s database. */
  static Map<String, String> storedOn(PostgresServer cluster, String databaseUrl) {
    Map<String, String> stored = new HashMap<>();
    for (String row :
        cluster.query(databaseUrl, "SELECT username || '\t' || display_name FROM users")) {
      String[] parts = row.split("\t", 2);
      stored.put(parts[0], parts[1]);
    }
    return stored;
  }

  static String[] args(Path db) {
    return args(db.toString());
  }

  static String[] args(String db) {
    return new String[] {"--db", db, "--http-port", "0", "--ajp-port", "-1"};
  }

  static WriteLoad start(HttpApi http, WriteLedger ledger, String prefix, int writers) {
    return start(http, ledger, prefix, writers, false);
  }

  /**
   * @param unsure503 whether a 503 may hide a commit (the store went away between the commit and
   *     its answer): such a write stays in flight in the ledger and its user is written no more
   */
  static WriteLoad start(
      HttpApi http, WriteLedger ledger, String prefix, int writers, boolean unsure503) {
    WriteLoad load = new WriteLoad(unsure503);
    HttpClient client = HttpApi.newClient();
    for (int t = 0; t < writers; t++) {
      String writer = prefix + "w" + t;
      Thread thread = new Thread(() -> load.write(client, http.base(), ledger, writer), writer);
      load.threads.add(thread);
      thread.start();
    }
    return load;
  }

  private void write(HttpClient client, String base, WriteLedger ledger, String writer) {
    String[] admin = HttpApi.basic("admin", PASSWORD);
    List<String> mine = new ArrayList<>();
    for (int i = 0; !stopped; i++) {
      boolean create = mine.isEmpty() || i % 8 == 0; // a create costs an Argon2id hash
      String user =
          create ? writer + "n" + i : mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
      String value = writer + "-v" + i;
      HttpRequest.Builder request =
          HttpRequest.newBuilder()
              .timeout(Duration.ofSeconds(20))
              .header(admin[0], admin[1])
              .header("Content-Type", "application/json");
      if (create) {
        request
            .uri(URI.create(base + "/api/users"))
            .POST(
                body(
                    HttpApi.json(
                        "username",
                        user,
                        "password",
                        "crash-user-password",
                        "displayName",
                        value)));
      } else {
        request
            .uri(URI.create(base + "/api/users/" + user))
            .method("PATCH", body(HttpApi.json("displayName", value)));
      }
      ledger.sending(user, value);
      int status;
      try {
        status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return; // no answer: the write stays in flight in the ledger
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (status / 100 == 2) {
        ledger.acknowledged(user, value);
        acknowledged.incrementAndGet();
        if (create) {
          mine.add(user);
        }
      } else if (status == 503 && unsure503) {
        refused.incrementAndGet();
        mine.remove(user); // its last write may or may not have committed: leave it as it is
      } else {
        ledger.refused(user);
        refused.incrementAndGet();
        if (status != 503) {
          unexpected.add((create ? "create " : "update ") + user + ": " + status);
        }
      }
    }
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
  }

  /** Waits (up to 60 s) until {@code n} writes were acknowledged. */
  void awaitAcknowledged(long n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (acknowledged.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(
        acknowledged.get() >= n,
        "writes flow: " + acknowledged.get() + " acknowledged, " + unexpected);
  }

  long acknowledged() {
    return acknowledged.get();
  }

  long refused() {
    return refused.get();
  }

  /** Every answer so far was a 2xx or a 503: never a wrong answer. */
  void assertOnly2xxAnd503() {
    assertTrue(unexpected.isEmpty(), "answers other than 2xx or 503: " + unexpected);
  }

  /** Waits for every client thread to end (they end by themselves once the server is gone). */
  void awaitStopped() throws InterruptedException {
    for (Thread t : threads) {
      t.join(30_000);
      assertTrue(!t.isAlive(), t.getName() + " still writing 30 s after the kill");
    }
    assertTrue(unexpected.isEmpty(), "answers other than 2xx or 503: " + unexpected);
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
