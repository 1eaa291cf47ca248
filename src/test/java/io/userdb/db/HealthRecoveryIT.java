package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi;
import io.userdb.TestServer;
import io.userdb.db.sqlite.SqliteForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health follows the database: DOWN while its file is gone, UP again once it is back. */
class HealthRecoveryIT {

  @TempDir Path folder;

  @Test
  void health_is_down_while_the_file_is_missing_and_recovers_by_itself() throws Exception {
    try (TestServer server = TestServer.start(folder)) {
      HttpApi http = server.http;
      assertEquals(200, http.get("/health").status());
      closeEveryPooledConnection(server.service().pool());
      Path db = server.db;
      Path aside = folder.resolve("moved-aside.db");
      Files.move(db, aside);

      HttpApi.Reply down = http.get("/health");
      assertEquals(503, down.status(), down.body());
      assertTrue(down.body().contains("\"status\":\"DOWN\""), down.body());
      HttpApi.Reply request =
          http.get("/api/me", HttpApi.basic("admin", TestServer.ADMIN_PASSWORD));
      assertEquals(503, request.status());
      assertTrue(request.body().contains("database_unavailable"), request.body());
      assertFalse(Files.exists(db), "no empty database was created in its place");

      Files.move(aside, db);
      assertEquals(200, http.get("/health").status(), "recovers without a restart");
      assertEquals(
          200, http.get("/api/me", HttpApi.basic("admin", TestServer.ADMIN_PASSWORD)).status());
    }
  }

  @Test
  void health_tells_anyone_only_that_the_database_is_unavailable_and_logs_why_once()
      throws Exception {
    Logger log = Logger.getLogger("io.userdb.api.HealthLog");
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(capture);
    try (TestServer server = TestServer.start(folder)) {
      closeEveryPooledConnection(server.service().pool());
      Path aside = folder.resolve("moved-aside.db");
      Files.move(server.db, aside);

      for (int poll = 0; poll < 3; poll++) {
        HttpApi.Reply down = server.http.get("/health");
        assertEquals(503, down.status(), down.body());
        assertTrue(
            down.body().startsWith("{") && down.body().endsWith("}"), "still JSON: " + down.body());
        assertTrue(down.body().contains("\"status\":\"DOWN\""), down.body());
        assertTrue(down.body().contains("\"reason\":\"database unavailable\""), down.body());
        assertFalse(
            down.body().contains(folder.getFileName().toString()), "no path: " + down.body());
        assertFalse(down.body().contains("userdb.db"), "no file name: " + down.body());
        assertFalse(
            down.body().toUpperCase().contains("SQLITE"), "no SQLite error: " + down.body());
      }
      List<LogRecord> warnings =
          records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
      assertEquals(1, warnings.size(), "one line for three polls: " + warnings);
      assertTrue(warnings.get(0).getMessage().contains(server.db.toString()), "the log says why");

      Files.move(aside, server.db);
      assertEquals(200, server.http.get("/health").status());
      assertEquals(200, server.http.get("/health").status());
      assertEquals(
          1,
          records.stream().filter(r -> r.getLevel() == Level.INFO).count(),
          "back up: " + records);
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void removing_the_database_folder_while_serving_stops_writes_at_once_and_a_restore_recovers()
      throws Exception {
    Path data = folder.resolve("data");
    try (TestServer server = TestServer.start(data)) {
      HttpApi http = server.http;
      String[] admin = HttpApi.basic("admin", TestServer.ADMIN_PASSWORD);
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "before", "password", "before-password"),
                  admin)
              .status());
      Path copy = folder.resolve("copy.db");
      SqliteForTests.store(server.db).backupTo(copy);
      try (var files = Files.list(data)) { // the folder goes, connections still open on it
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(data);

      long start = System.nanoTime();
      HttpApi.Reply write =
          http.send(
              "POST",
              "/api/users",
              HttpApi.json("username", "lost", "password", "lost-password"),
              admin);
      assertEquals(
          503, write.status(), "a write into a deleted file would be lost: " + write.body());
      assertTrue(write.body().contains("database_unavailable"), write.body());
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused promptly, no hang");
      Thread.sleep(1100); // lending checks the file at most once a second
      assertEquals(503, http.get("/api/me", admin).status(), "reads stop too");
      HttpApi.Reply down = http.get("/health");
      assertEquals(503, down.status());
      assertTrue(down.body().contains("\"status\":\"DOWN\""), down.body());
      assertFalse(Files.exists(server.db), "no empty database was created in its place");

      Files.createDirectories(data);
      Files.copy(copy, server.db);
      assertEquals(
          200, http.get("/health").status(), "recovers without a restart once the file is back");
      assertEquals(200, http.get("/api/users/before", admin).status());
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  HttpApi.json("username", "after", "password", "after-password"),
                  admin)
              .status());
    }
  }

  /** Every idle object's connection dies underneath it, as after an I/O failure. */
  private static void closeEveryPooledConnection(UserDatabasePool pool) throws Exception {
    List<UserDatabasePool.Lease> leases = new ArrayList<>();
    while (pool.stats().idle() > 0) {
      leases.add(pool.borrow());
    }
    for (UserDatabasePool.Lease lease : leases) {
      SqliteForTests.connectionOf(lease.db()).close();
      lease.close();
    }
  }
}
