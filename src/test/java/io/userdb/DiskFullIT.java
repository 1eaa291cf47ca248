package io.userdb;

import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, made real: on SQLite with --db-max-size (max_page_count: a write past it fails with
 * SQLITE_FULL, exactly as on a full file system), on PostgreSQL with the tables on a small
 * filesystem (SQLSTATE 53100): writes get a JSON 507, reads go on, nothing stored is damaged, and
 * room given back makes writes work again.
 */
class DiskFullIT {

  /** Room for a few users beside the schema: SQLite's pages, PostgreSQL's files (8 KiB each). */
  static final long LIMIT = StoreUnderTest.isPostgres() ? 320 << 10 : 96 << 10;

  @TempDir Path folder;

  @Test
  @Timeout(300)
  void writes_past_the_limit_get_507_while_reads_and_stored_data_stay_intact() throws Exception {
    List<String> created = new ArrayList<>();
    String padding = "p".repeat(190); // display names hold at most 200 characters
    try (StoreUnderTest.LittleRoom room =
        StoreUnderTest.littleRoom(folder.resolve("userdb.db"), LIMIT)) {
      fillAndRead(room, created, padding);
      room.makeRoom().run();
      writeAfterRoom(created, padding);
    }
    Reports.write(
        "disk-full-" + (StoreUnderTest.isPostgres() ? "postgresql" : "sqlite") + ".txt",
        "limit="
            + LIMIT
            + " users_before_full="
            + created.size()
            + " first_refusal=507 reads_while_full="
            + created.size()
            + " writes_after_room=ok");
  }

  private void fillAndRead(StoreUnderTest.LittleRoom room, List<String> created, String padding)
      throws Exception {
    Reply full = null;
    String refused = null;
    try (TestServer server = TestServer.start(folder, room.options())) {
      HttpApi http = server.http;
      String[] admin = session(http.login("admin", TestServer.ADMIN_PASSWORD));
      for (int i = 0; i < 400 && full == null; i++) {
        String body =
            json(
                "username",
                "filler" + i,
                "password",
                "filler-password",
                "displayName",
                i + padding);
        Reply reply = http.send("POST", "/api/users", body, admin);
        if (reply.status() == 201) {
          created.add("filler" + i);
        } else {
          full = reply;
          refused = body;
        }
      }
      assertTrue(full != null, "the limit was reached");
      assertEquals(507, full.status(), full.body());
      assertTrue(full.body().contains("\"error\":\"insufficient_storage\""), full.body());
      assertTrue(created.size() > 5, "room for some users first: " + created.size());
      // The same request again: a smaller one may still fit the pages left, and rightly so.
      assertEquals(
          507,
          http.send("POST", "/api/users", refused, admin).status(),
          "still full: refused again, cleanly");
      for (int i = 0; i < created.size(); i++) {
        Reply read = http.get("/api/users/" + created.get(i), admin);
        assertEquals(200, read.status(), "reads go on while full");
        assertTrue(read.body().contains("\"displayName\":\"" + i + "ppp"), "stored data intact");
      }
      assertEquals(200, http.get("/health").status());
      if (!StoreUnderTest.isPostgres()) {
        assertEquals("ok", CrashSafetyIT.integrityCheck(server.db));
      }
    }
  }

  /** A server with room again (on SQLite: without the quota) keeps everything and takes writes. */
  private void writeAfterRoom(List<String> created, String padding) throws Exception {
    try (TestServer server = TestServer.start(folder)) {
      HttpApi http = server.http;
      String[] admin = session(http.login("admin", TestServer.ADMIN_PASSWORD));
      assertEquals(
          201,
          http.send(
                  "POST",
                  "/api/users",
                  json("username", "after", "password", "after-password", "displayName", padding),
                  admin)
              .status());
      assertEquals(
          created.size() + 2,
          countUsers(http, admin),
          "every user from before, plus admin and the new one");
    }
  }

  private static int countUsers(HttpApi http, String[] admin) throws Exception {
    Reply list = http.get("/api/users?limit=1", admin);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(list.body())
        .path("total")
        .asInt();
  }
}
