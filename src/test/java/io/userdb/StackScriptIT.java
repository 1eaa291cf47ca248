package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/userdb-stack: the one command that runs userdb behind a local Apache. */
class StackScriptIT {

  @TempDir Path work;

  @Test
  void the_stack_starts_serves_through_apache_and_stops_cleanly_on_sigterm() throws Exception {
    ApacheHttpd.binary();
    int port = ApacheHttpd.freePort();
    Path err = work.resolve("stack.err");
    ProcessBuilder builder =
        new ProcessBuilder("bin/userdb-stack", "--db", work.resolve("data/userdb.db").toString())
            .redirectError(err.toFile())
            .redirectOutput(work.resolve("stack.out").toFile());
    builder.environment().put("USERDB_STACK_LISTEN", "127.0.0.1:" + port);
    builder.environment().put("USERDB_ADMIN_PASSWORD", "stack-admin-password");
    Process stack = builder.start();
    try {
      String ready =
          awaitLine(
              err,
              Pattern.compile("userdb-stack: ready: (http://\\S+) .*AJP (\\S+):(\\d+)\\)"),
              stack);
      Matcher m = Pattern.compile("AJP \\S+:(\\d+)").matcher(ready);
      assertTrue(m.find());
      int ajpPort = Integer.parseInt(m.group(1));
      HttpApi http = new HttpApi("http://127.0.0.1:" + port);
      assertEquals(200, http.get("/health").status());
      String token = http.login("admin", "stack-admin-password");
      assertTrue(
          http.get("/api/me", HttpApi.session(token))
              .body()
              .contains("\"authenticatedBy\":\"session\""));

      stack.destroy(); // SIGTERM
      assertTrue(stack.waitFor(30, TimeUnit.SECONDS), "the stack stops");
      assertEquals(0, stack.exitValue());
      assertFalse(listening(port), "Apache stopped");
      assertFalse(listening(ajpPort), "userdb stopped");
      assertTrue(Files.readString(err).contains("userdb-stack: stopped"));
    } finally {
      stack.destroyForcibly();
    }
  }

  @Test
  void the_run_folder_is_private_and_no_file_in_it_holds_the_generated_admin_password()
      throws Exception {
    ApacheHttpd.binary();
    int port = ApacheHttpd.freePort();
    Path tmp = Files.createDirectory(work.resolve("tmp"));
    Path out = work.resolve("stack.out");
    Path err = work.resolve("stack.err");
    ProcessBuilder builder =
        new ProcessBuilder("bin/userdb-stack", "--db", work.resolve("data/userdb.db").toString())
            .redirectError(err.toFile())
            .redirectOutput(out.toFile());
    builder.environment().remove("USERDB_ADMIN_PASSWORD"); // a first start that generates one
    builder.environment().put("USERDB_STACK_LISTEN", "127.0.0.1:" + port);
    builder.environment().put("TMPDIR", tmp.toString());
    Process stack = builder.start();
    try {
      awaitLine(err, Pattern.compile("userdb-stack: ready: "), stack);
      Matcher generated =
          Pattern.compile("created user 'admin' with password (\\S+) ")
              .matcher(Files.readString(out));
      assertTrue(
          generated.find(), "the password is shown on the terminal: " + Files.readString(out));
      String password = generated.group(1);
      HttpApi http = new HttpApi("http://127.0.0.1:" + port);
      assertEquals(
          200, http.get("/api/me", HttpApi.basic("admin", password)).status(), "it is the admin's");

      List<Path> runDirs;
      try (Stream<Path> listed = Files.list(tmp)) {
        runDirs =
            listed.filter(p -> p.getFileName().toString().startsWith("userdb-stack.")).toList();
      }
      assertEquals(1, runDirs.size(), runDirs.toString());
      Path runDir = runDirs.get(0);
      assertEquals(
          "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir)));
      List<Path> files;
      try (Stream<Path> walked = Files.walk(runDir)) {
        files = walked.filter(Files::isRegularFile).toList();
      }
      assertFalse(files.isEmpty(), "logs and the pid file are there to check");
      for (Path file : files) {
        assertEquals(
            "rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
            file.toString());
        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertFalse(content.contains(password), file + " holds the admin password");
      }
    } finally {
      stack.destroy();
      stack.waitFor(30, TimeUnit.SECONDS);
      stack.destroyForcibly();
    }
  }

  @Test
  void with_apaches_port_taken_it_exits_non_zero_and_never_says_ready() throws Exception {
    ApacheHttpd.binary();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ProcessBuilder builder =
          new ProcessBuilder("bin/userdb-stack", "--db", work.resolve("data/userdb.db").toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("stack.out").toFile());
      builder.environment().put("USERDB_STACK_LISTEN", "127.0.0.1:" + taken.getLocalPort());
      builder.environment().put("USERDB_ADMIN_PASSWORD", "stack-admin-password");
      Path out = work.resolve("stack.out");
      Process stack = builder.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (stack.isAlive()
            && !Files.readString(out).contains("userdb-stack: ready")
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        String output = Files.readString(out);
        assertFalse(
            output.contains("userdb-stack: ready"),
            output); // Apache's "already in use" has "ready"
        assertTrue(stack.waitFor(30, TimeUnit.SECONDS), "the stack gives up: " + output);
        assertTrue(stack.exitValue() != 0, "exit " + stack.exitValue() + ": " + output);
        assertTrue(output.contains("userdb-stack: Apache did not start"), output);
        assertTrue(
            output.contains("127.0.0.1:" + taken.getLocalPort()), "names the port: " + output);
      } finally {
        stack.destroy(); // SIGTERM: the script stops userdb too
        stack.waitFor(30, TimeUnit.SECONDS);
        stack.destroyForcibly();
      }
    }
  }

  @Test
  void without_apache_it_says_what_to_install() throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bin/userdb-stack").redirectErrorStream(true);
    builder.environment().put("USERDB_HTTPD", "/nonexistent/httpd");
    Process stack = builder.start();
    String out = new String(stack.getInputStream().readAllBytes());
    assertTrue(stack.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, stack.exitValue());
    assertTrue(out.contains("sudo apt-get install apache2"), out);
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String awaitLine(Path file, Pattern pattern, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          if (pattern.matcher(line).find()) {
            return line;
          }
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("the stack exited: " + Files.readString(file));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no ready line: " + Files.readString(file));
  }
}
