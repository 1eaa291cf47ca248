package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    ProcessBuilder builder = new ProcessBuilder("bin/userdb-stack", "--db", work.resolve("data/userdb.db").toString())
        .redirectError(err.toFile()).redirectOutput(work.resolve("stack.out").toFile());
    builder.environment().put("USERDB_STACK_LISTEN", "127.0.0.1:" + port);
    builder.environment().put("USERDB_ADMIN_PASSWORD", "stack-admin-password");
    Process stack = builder.start();
    try {
      String ready = awaitLine(err, Pattern.compile("userdb-stack: ready: (http://\\S+) .*AJP (\\S+):(\\d+)\\)"), stack);
      Matcher m = Pattern.compile("AJP \\S+:(\\d+)").matcher(ready);
      assertTrue(m.find());
      int ajpPort = Integer.parseInt(m.group(1));
      HttpApi http = new HttpApi("http://127.0.0.1:" + port);
      assertEquals(200, http.get("/health").status());
      String token = http.login("admin", "stack-admin-password");
      assertTrue(http.get("/api/me", HttpApi.session(token)).body().contains("\"authenticatedBy\":\"session\""));

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
