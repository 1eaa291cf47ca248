package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 under write load, restart on the same file, and check that nothing acknowledged was lost:
 * every 2xx create is there and every user holds the display name of its last 2xx update (or of the
 * one update that was in flight at the kill, which may or may not have committed). {@code
 * -Duserdb.crash.cycles=N} runs a longer series than CI's five.
 */
class CrashSafetyIT {

  static final int CYCLES = Integer.getInteger("userdb.crash.cycles", 5);
  static final int WRITERS = 6;

  @TempDir Path folder;

  @Test
  @Timeout(600)
  void sigkill_under_write_load_loses_no_acknowledged_write() throws Exception {
    Path db = folder.resolve("data/userdb.db");
    Random random = new Random(Long.getLong("userdb.crash.seed", System.nanoTime()));
    WriteLedger ledger = new WriteLedger();
    long acknowledged = 0;
    long checked = 0;
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      try (UserdbProcess server =
          UserdbProcess.serve(folder, WriteLoad.env(), WriteLoad.args(db))) {
        HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
        assertEquals(
            200,
            http.get("/health").status(),
            "cycle " + cycle + ": serves again after the restart");
        try (WriteLoad load = WriteLoad.start(http, ledger, "c" + cycle, WRITERS)) {
          load.awaitAcknowledged(5); // the kill falls in full flow, not during the first sign-ins
          Thread.sleep(300 + random.nextInt(2700));
          server.process.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint
          assertTrue(server.process.waitFor(10, TimeUnit.SECONDS));
          load.awaitStopped();
          assertTrue(
              load.acknowledged() > 0,
              "cycle " + cycle + ": writes were acknowledged before the kill");
          acknowledged += load.acknowledged();
        }
      }
      assertEquals("ok", integrityCheck(db), "cycle " + cycle + ": integrity_check after SIGKILL");
      checked += ledger.assertAllPresent(storedDisplayNames(db), "cycle " + cycle);
    }
    Reports.write(
        "crash-safety.txt",
        "cycles="
            + CYCLES
            + " writers="
            + WRITERS
            + " writes_acknowledged="
            + acknowledged
            + " user_states_checked="
            + checked
            + " lost=0 users_at_end="
            + ledger.users());
  }

  @Test
  @Timeout(300)
  void a_backup_taken_under_write_load_is_a_consistent_snapshot() throws Exception {
    Path db = folder.resolve("data/userdb.db");
    Path backup = folder.resolve("backup.db");
    WriteLedger ledger = new WriteLedger();
    try (UserdbProcess server = UserdbProcess.serve(folder, WriteLoad.env(), WriteLoad.args(db))) {
      HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
      Map<String, String> before;
      long acknowledged;
      try (WriteLoad load = WriteLoad.start(http, ledger, "b", WRITERS)) {
        Thread.sleep(1500);
        before = storedDisplayNames(db); // committed before the backup starts
        var run =
            UserdbProcess.run(
                folder, Map.of(), null, "backup", "--db", db.toString(), backup.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        Thread.sleep(500);
        acknowledged = load.acknowledged();
      }
      assertEquals("ok", integrityCheck(backup));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
        assertTrue(!rs.next(), "sessions in the backup all belong to users in it");
      }
      Map<String, String> inBackup = storedDisplayNames(backup);
      Map<String, String> after = storedDisplayNames(db);
      for (String user : before.keySet()) {
        assertTrue(
            inBackup.containsKey(user),
            user + " was committed before the backup began but is missing from it");
      }
      for (var user : inBackup.entrySet()) {
        assertTrue(
            after.containsKey(user.getKey()),
            user.getKey() + " in the backup but never in the database");
      }
      assertTrue(
          inBackup.size() < after.size(),
          "writes went on during the backup: " + inBackup.size() + " vs " + after.size());
      Reports.write(
          "backup-under-load.txt",
          "writers="
              + WRITERS
              + " writes_acknowledged="
              + acknowledged
              + " users_before="
              + before.size()
              + " users_in_backup="
              + inBackup.size()
              + " users_after="
              + after.size()
              + " integrity=ok foreign_keys=ok");
    }
  }

  static String integrityCheck(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static Map<String, String> storedDisplayNames(Path db) throws SQLException {
    Map<String, String> stored = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT username, display_name FROM users")) {
      while (rs.next()) {
        stored.put(rs.getString(1), rs.getString(2));
      }
    }
    return stored;
  }
}
