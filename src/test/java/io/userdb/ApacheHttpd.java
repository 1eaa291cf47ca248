package io.userdb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache httpd (Debian's apache2, or httpd) running the repository's own httpd-conf/ in the
 * foreground on an ephemeral loopback port. Where Apache is not installed, tests skip with a
 * message saying how to install it; in CI (CI set, as .ci/run does) they fail instead.
 */
final class ApacheHttpd implements AutoCloseable {

  private static final Path CONF_DIR = Path.of("httpd-conf").toAbsolutePath();

  final int port;
  final Path runDir;
  private final Process process;

  private ApacheHttpd(int port, Path runDir, Process process) {
    this.port = port;
    this.runDir = runDir;
    this.process = process;
  }

  /** The httpd binary, or a skip (a failure in CI) when there is none. */
  static Path binary() {
    Optional<Path> found =
        List.of("/usr/sbin/apache2", "/usr/sbin/httpd", "/usr/local/apache2/bin/httpd").stream()
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    if (found.isEmpty()) {
      String message =
          "Apache httpd is not installed: the end-to-end tests through Apache need it"
              + " (Debian/Ubuntu: sudo apt-get install apache2; Fedora/RHEL: sudo dnf install httpd)";
      Prerequisites.missing(message, Boolean.getBoolean("userdb.requireApache"));
    }
    return found.get();
  }

  static Path modulesDir() {
    return List.of("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules")
        .stream()
        .map(Path::of)
        .filter(Files::isDirectory)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Apache modules folder found"));
  }

  /**
   * Starts Apache with linux/httpd.conf.
   *
   * @param defines values for the config's Define names (USERDB_AJP, ...)
   * @param flags names defined without a value (USERDB_BALANCER, USERDB_PROXY_AUTH)
   * @param secret the AJP secret, handed over as an environment variable as users would
   */
  static ApacheHttpd start(
      Path workDir, Map<String, String> defines, List<String> flags, String secret)
      throws Exception {
    Path binary = binary();
    int port = freePort();
    Path runDir = Files.createTempDirectory(workDir, "httpd");
    // Apache's workers run as www-data: they must reach what the parent created here.
    Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "-d",
                CONF_DIR.toString(),
                "-f",
                "linux/httpd.conf",
                "-DFOREGROUND"));
    define(command, "USERDB_LISTEN", "127.0.0.1:" + port);
    define(command, "USERDB_RUN_DIR", runDir.toString());
    define(command, "USERDB_MODULES", modulesDir().toString());
    defines.forEach((name, value) -> define(command, name, value));
    flags.forEach(flag -> command.add("-D" + flag));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(runDir.resolve("console.log").toFile());
    builder.environment().put("USERDB_AJP_SECRET", secret);
    ApacheHttpd httpd = new ApacheHttpd(port, runDir, builder.start());
    httpd.awaitListening();
    return httpd;
  }

  private static void define(List<String> command, String name, String value) {
    command.add("-C");
    command.add("Define " + name + " " + value);
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("httpd exited with " + process.exitValue() + ": " + logs());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("httpd did not listen within 20 s: " + logs());
  }

  String logs() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("console.log", "error.log")) {
      Path file = runDir.resolve(name);
      if (Files.exists(file)) {
        sb.append(name).append(":\n").append(Files.readString(file));
      }
    }
    return sb.toString();
  }

  HttpApi http() {
    return new HttpApi("http://127.0.0.1:" + port);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: httpd stops its workers and exits
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
