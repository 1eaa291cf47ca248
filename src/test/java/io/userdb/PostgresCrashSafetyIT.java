package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No acknowledged write lost on PostgreSQL, whichever side dies under write load: userdb killed
 * with SIGKILL and started again, or PostgreSQL crashed (pg_ctl -m immediate: no checkpoint, every
 * connection cut) and started again while userdb keeps running and comes back by itself.
 */
class PostgresCrashSafetyIT {

  static final int CYCLES = 3;
  static final int WRITERS = 6;

  @TempDir Path folder;
  PostgresServer pg;

  @AfterEach
  void destroy() {
    if (pg != null) {
      pg.destroy();
    }
  }

  @Test
  @Timeout(600)
  void sigkill_of_userdb_under_write_load_loses_no_acknowledged_write() throws Exception {
    pg = PostgresServer.startNew();
    String url = pg.newDatabase();
    Random random = new Random();
    WriteLedger ledger = new WriteLedger();
    long acknowledged = 0;
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      try (UserdbProcess server =
          UserdbProcess.serve(folder, WriteLoad.envOnPostgres(), WriteLoad.args(url))) {
        HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
        try (WriteLoad load = WriteLoad.start(http, ledger, "k" + cycle, WRITERS)) {
          load.awaitAcknowledged(5);
          Thread.sleep(300 + random.nextInt(2700));
          server.process.destroyForcibly();
          assertTrue(server.process.waitFor(10, TimeUnit.SECONDS));
          load.awaitStopped();
          acknowledged += load.acknowledged();
        }
      }
      ledger.assertAllPresent(WriteLoad.storedOn(pg, url), "cycle " + cycle);
    }
    Reports.write(
        "postgres-sigkill.txt",
        "cycles="
            + CYCLES
            + " writers="
            + WRITERS
            + " writes_acknowledged="
            + acknowledged
            + " lost=0 users_at_end="
            + ledger.users());
  }

  @Test
  @Timeout(600)
  void postgresql_crashed_under_write_load_loses_no_acknowledged_write_and_the_service_comes_back()
      throws Exception {
    pg = PostgresServer.startNew();
    String url = pg.newDatabase();
    Random random = new Random();
    WriteLedger ledger = new WriteLedger();
    StringBuilder outages = new StringBuilder();
    try (UserdbProcess server =
        UserdbProcess.serve(folder, WriteLoad.envOnPostgres(), WriteLoad.args(url))) {
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      try (WriteLoad load = WriteLoad.start(http, ledger, "p", WRITERS, true)) {
        load.awaitAcknowledged(5);
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
          Thread.sleep(300 + random.nextInt(2700));
          long before = load.acknowledged();
          pg.crash();
          long down = System.nanoTime();
          Thread.sleep(1000);
          pg.start();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (http.get("/health").status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
          assertEquals(200, http.get("/health").status(), "cycle " + cycle + ": back by itself");
          outages.append(String.format(" %.1fs", (System.nanoTime() - down) / 1e9));
          load.awaitAcknowledged(before + 5);
        }
        assertTrue(server.process.isAlive(), "the same process served throughout");
      }
      ledger.assertAllPresent(
          WriteLoad.storedOn(pg, url), "after " + CYCLES + " crashes of PostgreSQL");
    }
    Reports.write(
        "postgres-restart.txt",
        "crashes="
            + CYCLES
            + " writers="
            + WRITERS
            + " lost=0 users_at_end="
            + ledger.users()
            + " seconds_from_crash_to_healthy(incl. 1 s down):"
            + outages);
  }
}
