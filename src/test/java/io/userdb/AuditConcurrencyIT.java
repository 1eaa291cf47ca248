package io.userdb;

import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.audit.AuditVerifier;
import io.userdb.db.UserDatabasePool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several backends on one store append to one audit log under parallel load, each with its own
 * pool: the chain stays intact and every event is there once.
 */
class AuditConcurrencyIT {

  private static final int BACKENDS = 4;
  private static final int THREADS_EACH = 2;
  private static final int UPDATES_EACH = 15;

  @TempDir Path folder;

  @Test
  @Timeout(150)
  void backends_on_one_store_keep_one_intact_chain_under_load() throws Exception {
    List<TestServer> servers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(BACKENDS * THREADS_EACH);
    try {
      for (int i = 0; i < BACKENDS; i++) {
        servers.add(TestServer.start(folder, "jvm-route", "node" + i));
      }
      // A worker each: parallel sign-ins to one account count as parallel guesses and lock it.
      String admin = servers.get(0).http.login("admin", TestServer.ADMIN_PASSWORD);
      for (int w = 0; w < BACKENDS * THREADS_EACH; w++) {
        int status =
            servers
                .get(0)
                .http
                .send(
                    "POST",
                    "/api/users",
                    json("username", "worker" + w, "password", "worker-password-" + w),
                    HttpApi.session(admin))
                .status();
        assertEquals(201, status);
      }
      CountDownLatch start = new CountDownLatch(1);
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      int worker = 0;
      for (TestServer server : servers) {
        for (int t = 0; t < THREADS_EACH; t++) {
          String name = "worker" + worker++;
          pool.execute(
              () -> {
                try {
                  start.await();
                  String token = server.http.login(name, "worker-password-" + name.substring(6));
                  // Each update is a write that appends in its own transaction: the log's load.
                  for (int i = 0; i < UPDATES_EACH; i++) {
                    int status =
                        server
                            .http
                            .send(
                                "PATCH",
                                "/api/users/" + name,
                                json("displayName", name + " " + i),
                                HttpApi.session(token))
                            .status();
                    assertEquals(200, status);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
        }
      }
      start.countDown();
      pool.shutdown();
      assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "the load did not finish");
      assertTrue(failures.isEmpty(), () -> "workers failed: " + failures);

      try (UserDatabasePool.Access access = servers.get(0).service().pool().access()) {
        AuditVerifier verified =
            AuditVerifier.walk(
                after -> access.db().findAudit(AuditQuery.chainAfter(after, 500)),
                () -> access.db().auditHead());
        assertTrue(verified.problem().isEmpty(), () -> verified.problem().orElseThrow());
        List<AuditRecord> all = access.db().findAudit(AuditQuery.chainAfter(0, 100_000));
        int workers = BACKENDS * THREADS_EACH;
        assertEquals(workers * UPDATES_EACH, count(all, "user.updated", "success"));
        assertEquals(workers + 1, count(all, "user.login", "success"));
        assertEquals(workers + 1, count(all, "session.created", "success"));
        assertEquals(workers, count(all, "user.created", "success") - 1); // and the admin
        assertEquals(BACKENDS, count(all, "service.started", "success"));
        for (int i = 0; i < BACKENDS; i++) {
          String route = "node" + i;
          assertEquals(
              THREADS_EACH * UPDATES_EACH,
              all.stream()
                  .filter(r -> r.action().equals("user.updated") && r.outcome().equals("success"))
                  .filter(r -> r.route().equals(route))
                  .count(),
              "updates recorded by " + route);
        }
      }
    } finally {
      pool.shutdownNow();
      servers.forEach(TestServer::close);
    }
  }

  private static long count(List<AuditRecord> records, String action, String outcome) {
    return records.stream()
        .filter(r -> r.action().equals(action) && r.outcome().equals(outcome))
        .count();
  }
}
