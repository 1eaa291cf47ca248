package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary with a synchronous standby, two backends on a URL naming both, writers on each
 * throughout with a ledger of what they were told: SIGKILL of the primary, the standby promoted as
 * an administrator would, and the backends find it by themselves. Meanwhile they answer 503 and
 * nothing else; afterwards every acknowledged write is on the new primary.
 */
class FailoverIT {

  static final int WRITERS = 4;

  @TempDir Path folder;
  PostgresServer primary;
  PostgresServer standby;

  @AfterEach
  void destroy() {
    for (PostgresServer cluster : new PostgresServer[] {primary, standby}) {
      if (cluster != null) {
        cluster.destroy();
      }
    }
  }

  @Test
  @Timeout(600)
  void the_primary_killed_and_the_standby_promoted_loses_no_acknowledged_write() throws Exception {
    primary = PostgresServer.startNew();
    String database = PostgresServer.databaseName(primary.newDatabase());
    standby = primary.startStandby();
    String both =
        "jdbc:postgresql://127.0.0.1:"
            + primary.port()
            + ",127.0.0.1:"
            + standby.port()
            + "/"
            + database
            + "?user="
            + PostgresServer.USER;
    WriteLedger ledger = new WriteLedger();
    Path a = Files.createDirectory(folder.resolve("a"));
    Path b = Files.createDirectory(folder.resolve("b"));
    String[] outage = new String[2];
    try (UserdbProcess backendA =
            UserdbProcess.serve(a, WriteLoad.envOnPostgres(), WriteLoad.args(both));
        UserdbProcess backendB =
            UserdbProcess.serve(b, WriteLoad.envOnPostgres(), WriteLoad.args(both))) {
      List<HttpApi> backends =
          List.of(
              new HttpApi("http://127.0.0.1:" + backendA.httpPort),
              new HttpApi("http://127.0.0.1:" + backendB.httpPort));
      try (WriteLoad loadA = WriteLoad.start(backends.get(0), ledger, "a", WRITERS, true);
          WriteLoad loadB = WriteLoad.start(backends.get(1), ledger, "b", WRITERS, true)) {
        loadA.awaitAcknowledged(20);
        loadB.awaitAcknowledged(20);
        long beforeA = loadA.acknowledged();
        long beforeB = loadB.acknowledged();

        primary.kill();
        long killed = System.nanoTime();
        Thread.sleep(1000); // an administrator, or a watchdog, decides to promote
        standby.promote();
        for (int i = 0; i < 2; i++) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (backends.get(i).get("/health").status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
          assertEquals(200, backends.get(i).get("/health").status(), "backend " + i + " is back");
          outage[i] = String.format("%.1f", (System.nanoTime() - killed) / 1e9);
        }
        loadA.awaitAcknowledged(beforeA + 20);
        loadB.awaitAcknowledged(beforeB + 20);
        assertTrue(loadA.refused() + loadB.refused() > 0, "the outage was seen: 503s");
        loadA.assertOnly2xxAnd503();
        loadB.assertOnly2xxAnd503();
      }
      assertTrue(backendA.process.isAlive() && backendB.process.isAlive(), "no backend restarted");
    }
    assertFalse(standby.isStandby(), "promoted");
    ledger.assertAllPresent(
        WriteLoad.storedOn(standby, standby.url(database)), "on the promoted standby");
    Reports.write(
        "failover.txt",
        "backends=2 writers_each="
            + WRITERS
            + " lost=0 users_at_end="
            + ledger.users()
            + " seconds_from_sigkill_to_healthy(incl. 1 s before promote): "
            + outage[0]
            + " "
            + outage[1]);
  }

  @Test
  @Timeout(300)
  void a_url_naming_only_a_standby_is_not_used_for_reading_users_or_sessions() throws Exception {
    primary = PostgresServer.startNew();
    String url = primary.newDatabase();
    String database = PostgresServer.databaseName(url);
    Map<String, String> env = WriteLoad.envOnPostgres();
    assertEquals(0, UserdbProcess.run(folder, env, null, "user", "list", "--db", url).exitCode());
    standby = primary.startStandby();
    String standbyOnly =
        "jdbc:postgresql://127.0.0.1:"
            + standby.port()
            + "/"
            + database
            + "?user="
            + PostgresServer.USER;
    UserdbProcess.Run listed =
        UserdbProcess.run(folder, env, null, "user", "list", "--db", standbyOnly);
    assertNotEquals(0, listed.exitCode(), "read from a standby: " + listed.stdout());
    assertTrue(listed.stderr().contains("primary"), listed.stderr());
  }
}
