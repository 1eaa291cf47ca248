package io.userdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code userdb backup OUT} run as a process: the copy holds every password hash, so it is only
 * ever written into a file it creates itself, private from the first byte.
 */
class BackupIT {

  @TempDir Path work;
  Path db;

  @BeforeEach
  void a_database_with_one_user() throws Exception {
    db = FreshDatabase.at(work.resolve("data/userdb.db"));
    UserdbProcess.Run add =
        UserdbProcess.run(
            work,
            Map.of(),
            "backup-user-password\n",
            "user",
            "add",
            "kept",
            "--db",
            db.toString(),
            "--password-stdin");
    assertEquals(0, add.exitCode(), add.stderr());
  }

  @Test
  void a_fresh_target_becomes_a_valid_database_readable_by_its_owner_only() throws Exception {
    Path out = work.resolve("backup.db");
    UserdbProcess.Run run = backup(out);
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        rs.next();
        assertEquals("ok", rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM users WHERE username = 'kept'")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
    }
    assertEquals(List.of("backup.db", "data"), listing(), "no temporary file left behind");
  }

  @Test
  void a_precreated_world_writable_empty_file_is_refused_and_left_unchanged() throws Exception {
    Path out = work.resolve("backup.db");
    Files.createFile(out);
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw-rw-"));

    UserdbProcess.Run run = backup(out);

    assertEquals(1, run.exitCode(), run.stderr());
    assertOneLineNaming(run, out);
    assertEquals(0, Files.size(out), "no hash was written into someone else's file");
    assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertEquals(List.of("backup.db", "data"), listing(), "no temporary file left behind");
  }

  @Test
  void a_symlink_is_refused_and_its_target_is_left_untouched() throws Exception {
    Path elsewhere = work.resolve("elsewhere.txt");
    Files.writeString(elsewhere, "");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-rw-rw-"));
    Path out = Files.createSymbolicLink(work.resolve("backup.db"), elsewhere);

    UserdbProcess.Run run = backup(out);

    assertEquals(1, run.exitCode(), run.stderr());
    assertOneLineNaming(run, out);
    assertArrayEquals(new byte[0], Files.readAllBytes(elsewhere), "the link's target got no hash");
    assertEquals(
        "rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere)));
    assertTrue(Files.isSymbolicLink(out), "the link itself is left alone");
  }

  @Test
  void a_dangling_symlink_is_refused_and_nothing_is_created_where_it_points() throws Exception {
    Path elsewhere = work.resolve("elsewhere.db");
    Path out = Files.createSymbolicLink(work.resolve("backup.db"), elsewhere);

    UserdbProcess.Run run = backup(out);

    assertEquals(1, run.exitCode(), run.stderr());
    assertOneLineNaming(run, out);
    assertFalse(
        Files.exists(elsewhere, LinkOption.NOFOLLOW_LINKS), "nothing written through the link");
  }

  private UserdbProcess.Run backup(Path out) throws Exception {
    return UserdbProcess.run(work, Map.of(), null, "backup", out.toString(), "--db", db.toString());
  }

  private static void assertOneLineNaming(UserdbProcess.Run run, Path out) {
    String err = run.stderr().strip();
    assertFalse(err.contains("\n"), "one line: " + err);
    assertTrue(err.startsWith("userdb: ") && err.contains(out.toString()), err);
    assertFalse(err.contains("Exception"), err);
  }

  private List<String> listing() throws Exception {
    try (var files = Files.list(work)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
