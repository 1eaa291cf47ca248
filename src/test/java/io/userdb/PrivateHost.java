package io.userdb;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loopback network and a {@code /tmp/userdb-httpd} of the test's own (Linux network and mount
 * namespaces, held open by a sleeping process; only that folder, so a checkout under /tmp stays
 * visible), so that commands written for a whole machine, with fixed ports (8080, 8009, 8081) and
 * {@code /tmp/userdb-httpd}, run exactly as written without meeting other tests or anything else on
 * the machine. A test may put private copies over other files and folders ({@link #mountOver}).
 * Needs root (unshare), util-linux's nsenter and iproute2's ip; without them the test is skipped,
 * or fails in CI.
 */
final class PrivateHost implements AutoCloseable {

  private final Process holder;

  private PrivateHost(Process holder) {
    this.holder = holder;
  }

  static PrivateHost open() throws Exception {
    for (String tool : List.of("unshare", "nsenter", "setsid", "ip", "curl")) {
      if (which(tool) == null) {
        Prerequisites.missing("ReadmeIT needs " + tool + " (util-linux, iproute2, curl)");
      }
    }
    Process holder =
        new ProcessBuilder(
                "unshare",
                "--net",
                "--mount",
                "--propagation",
                "private",
                "--",
                "bash",
                "-c",
                "ip link set lo up && mkdir -p /tmp/userdb-httpd && mount -t tmpfs -o mode=0755 tmpfs /tmp/userdb-httpd"
                    + " && echo up && exec sleep infinity")
            .redirectErrorStream(true)
            .start();
    String first =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (!"up".equals(first)) {
      holder.destroyForcibly();
      Prerequisites.missing(
          "ReadmeIT runs the README in a private network namespace, which needs root: " + first);
    }
    return new PrivateHost(holder);
  }

  /** Where {@code tool} is on the PATH (or in an sbin folder), or null. */
  static Path which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool);
      }
    }
    return null;
  }

  /**
   * The command line that runs {@code command} inside, in {@code dir}, as the leader of a new
   * session: its process id is also its process group's, so everything it starts (a server sent to
   * the background with &amp;) can be stopped with it.
   */
  List<String> command(Path dir, String... command) {
    List<String> line =
        new ArrayList<>(
            List.of(
                "nsenter",
                "--target",
                Long.toString(holder.pid()),
                "--net",
                "--mount",
                "--wd=" + dir.toAbsolutePath(),
                "--",
                "setsid"));
    line.addAll(List.of(command));
    return line;
  }

  /** The status of {@code GET url} from inside, or 0 when nothing answers within 2 s. */
  int httpStatus(String url) throws Exception {
    String out =
        run(
            "curl",
            "--silent",
            "--max-time",
            "2",
            "--output",
            "/dev/null",
            "--write-out",
            "%{http_code}",
            url);
    return out.matches("\\d{3}") ? Integer.parseInt(out) : 0;
  }

  /**
   * Puts {@code privateCopy} over {@code target} inside only (a bind mount, which needs {@code
   * target} to exist): the machine keeps its own.
   */
  void mountOver(String target, Path privateCopy) throws Exception {
    execute(List.of("mount", "--bind", privateCopy.toAbsolutePath().toString(), target));
  }

  /** Runs {@code command} inside and waits for it; fails with its output unless it exits 0. */
  void execute(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command(Path.of("/"), command.toArray(String[]::new)))
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "in the private host, " + String.join(" ", command) + " failed: " + out);
    }
  }

  /** A file under the private /tmp, for a failure's report; empty if it cannot be read. */
  String read(String path) throws Exception {
    return run("cat", path);
  }

  private String run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command(Path.of("/"), command))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    holder.destroy();
    holder.waitFor(10, TimeUnit.SECONDS);
  }
}
