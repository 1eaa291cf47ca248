package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in Firefox: src/test/js/firefox-flow.mjs drives Debian's firefox-esr over WebDriver
 * BiDi with puppeteer-core (Debian packages no geckodriver, so Selenium cannot): admin signs in,
 * creates a user with an XSS display name shown as text, the pool view shows numbers, the user
 * signs in, changes the password and signs in with the new one. Needs firefox-esr, node and {@code
 * npm ci --prefix src/test/js}; skips without them, except in CI.
 */
class FirefoxIT {

  static final Path SCRIPTS = Path.of("src", "test", "js").toAbsolutePath();

  @TempDir Path work;

  @Test
  @Timeout(240)
  void the_console_works_in_firefox() throws Exception {
    Path firefox = require();
    try (TestServer server = TestServer.start(work.resolve("db"))) {
      Path home = Files.createDirectories(work.resolve("home")); // Firefox's profile lives here
      ProcessBuilder builder =
          new ProcessBuilder(
                  "node",
                  "firefox-flow.mjs",
                  server.http.base(),
                  TestServer.ADMIN_PASSWORD,
                  firefox.toString())
              .directory(SCRIPTS.toFile())
              .redirectErrorStream(true);
      builder.environment().put("HOME", home.toString());
      Process node = builder.start();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(node.waitFor(200, TimeUnit.SECONDS), "the Firefox run ended");
      assertEquals(0, node.exitValue(), output);
      List<String> lines = output.strip().lines().toList();
      assertTrue(lines.get(lines.size() - 1).startsWith("OK firefox/"), output);
      System.out.println(output);
    }
  }

  static Path require() {
    Optional<Path> firefox =
        List.of("/usr/bin/firefox-esr", "/usr/bin/firefox").stream()
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    boolean ready =
        firefox.isPresent()
            && Files.isDirectory(SCRIPTS.resolve("node_modules/puppeteer-core"))
            && onPath("node");
    if (!ready) {
      String message =
          "the Firefox test needs firefox-esr and node (sudo apt-get install firefox-esr nodejs npm)"
              + " and its driver library (npm ci --prefix src/test/js)";
      Prerequisites.missing(message);
    }
    return firefox.get();
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
