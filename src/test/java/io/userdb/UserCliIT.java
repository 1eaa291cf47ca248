package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands as a process, on the database file: they never create one. */
class UserCliIT {

  @TempDir Path work;

  @Test
  void admin_commands_refuse_a_missing_database_in_one_line_and_leave_no_file() throws Exception {
    Path db = work.resolve("wrong/path.db");
    Files.writeString(work.resolve("users.htpasswd"), "someone:{SHA}2jmj7l5rSw0yVb/vlWAYkK/YBwk=\n");
    List<List<String>> commands = List.of(
        List.of("user", "add", "someone", "--password-stdin"),
        List.of("user", "list"),
        List.of("user", "passwd", "someone", "--password-stdin"),
        List.of("user", "delete", "someone"),
        List.of("user", "disable", "someone"),
        List.of("user", "enable", "someone"),
        List.of("import-htpasswd", work.resolve("users.htpasswd").toString()),
        List.of("backup", work.resolve("backup.db").toString()));
    for (List<String> command : commands) {
      String[] args = concat(command, "--db", db.toString());
      UserdbProcess.Run run = UserdbProcess.run(work, Map.of(), "someone-password\n", args);
      String said = String.join(" ", command) + ": " + run.stderr();
      assertEquals(1, run.exitCode(), said);
      assertEquals("userdb: no database at " + db + " (start `userdb serve` once to create it, or check --db)",
          run.stderr().strip(), said);
      for (String name : new String[] {"wrong", "wrong/path.db", "wrong/path.db-wal", "wrong/path.db-shm", "backup.db"}) {
        assertFalse(Files.exists(work.resolve(name)), name + " left behind by " + said);
      }
    }
  }

  private static String[] concat(List<String> head, String... tail) {
    return java.util.stream.Stream.concat(head.stream(), java.util.stream.Stream.of(tail)).toArray(String[]::new);
  }
}
