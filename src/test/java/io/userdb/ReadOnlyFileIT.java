package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database file made read-only under a running server. Connections opened before keep
 * read-write descriptors, so without a check their writes would go on; userdb checks the file
 * before each write. Root writes through permission bits, so when the tests run as root (CI) the
 * server runs as nobody, as a service account would.
 */
class ReadOnlyFileIT {

  @Test
  @Timeout(120)
  void a_database_file_made_read_only_while_serving_gives_503_and_down_then_recovers()
      throws Exception {
    Path work = Files.createTempDirectory("userdb-readonly");
    try {
      Files.setPosixFilePermissions(
          work, PosixFilePermissions.fromString("rwxrwxrwx")); // for nobody
      Path jar = Files.copy(UserdbProcess.jar(), work.resolve("userdb.jar"));
      Path db = work.resolve("data/userdb.db");
      String[] admin = basic("admin", "readonly-admin-password");
      try (UserdbProcess server =
          UserdbProcess.serve(
              unprivileged(),
              jar,
              work,
              Map.of("USERDB_ADMIN_PASSWORD", "readonly-admin-password"),
              "--db",
              db.toString(),
              "--http-port",
              "0",
              "--ajp-port",
              "-1")) {
        HttpApi http = new HttpApi("http://127.0.0.1:" + server.httpPort);
        assertEquals(
            201,
            http.send(
                    "POST",
                    "/api/users",
                    json("username", "before", "password", "before-password"),
                    admin)
                .status());

        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("r--------"));
        Reply write =
            http.send(
                "POST",
                "/api/users",
                json("username", "refused", "password", "refused-password"),
                admin);
        assertEquals(503, write.status(), write.body());
        assertTrue(write.body().contains("database_unavailable"), write.body());
        Reply down = http.get("/health");
        assertEquals(503, down.status(), down.body());
        assertTrue(down.body().contains("\"status\":\"DOWN\""), down.body());

        // As an operator would (chmod u+w data/userdb.db*): SQLite may have recreated -wal and
        // -shm meanwhile, with the read-only file's mode.
        try (Stream<Path> files = Files.list(db.getParent())) {
          for (Path f : files.toList()) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
          }
        }
        assertEquals(
            200, http.get("/health").status(), "recovers by itself once the file is writable");
        Reply after =
            http.send(
                "POST",
                "/api/users",
                json("username", "after", "password", "after-password"),
                admin);
        assertEquals(201, after.status(), after.body() + "\n" + server.stderr());
        assertEquals(200, http.get("/api/users/before", admin).status());
        assertEquals(
            404,
            http.get("/api/users/refused", admin).status(),
            "the refused write never happened");
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Nothing when the tests run unprivileged; as root, the server drops to nobody. */
  static List<String> unprivileged() throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return List.of();
    }
    return List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");
  }
}
