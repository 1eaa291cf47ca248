package io.userdb;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.userdb.ReadmeBlocks.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every shell block of README.md as written, so the README cannot drift from what works.
 * Blocks are read from README.md itself at test time and run with bash, in order, in one fresh copy
 * of what they need (bin/, httpd-conf/, the jar the build just packaged), as a reader would go
 * through the README. Each runs inside a {@link PrivateHost}: the README's fixed ports and
 * /tmp/userdb-httpd are the test's own.
 *
 * <p>A block that finishes must exit 0 (under {@code set -e -o pipefail}); a block that keeps
 * running is a server and must start serving: userdb's "listening" line or userdb-stack's "ready"
 * line, or, for Apache run in the foreground, {@code /health} answering 200 through it. Servers run
 * until the next heading, then what they started gets SIGTERM, as from Ctrl-C: they must stop, and
 * the rest of their block must then run and exit 0. A block that cannot run here is marked on the
 * line before its fence {@code <!-- readme-test: skip (reason) -->}; any other block that fails,
 * fails this test.
 *
 * <p>What stands in for the reader: {@code ./mvnw} only checks it was asked for a package build
 * (the enclosing build has just made the jar); {@code curl} fails on an HTTP error, as a reader
 * would notice one; {@code <printed password>} is the password userdb printed at its first start;
 * standard input holds a password twice, for what asks for one (htpasswd); {@code db.example.org}
 * is a PostgreSQL server of the test's own inside the private host ({@link PrivatePostgres}), which
 * {@code sudo -u postgres psql} reaches as on a Debian server.
 */
class ReadmeIT {

  private static final Pattern SERVING =
      Pattern.compile("(?m)^(userdb: (http|ajp) listening on |userdb-stack: ready)");
  private static final Pattern PRINTED_PASSWORD =
      Pattern.compile("created user 'admin' with password (\\S+)");
  private static final Pattern LISTEN = Pattern.compile("Define USERDB_LISTEN ([^\\s\"]+)");
  private static final long START_MILLIS = 60_000;
  private static final long STOP_MILLIS = 20_000;

  private final List<Started> servers = new ArrayList<>();
  private final List<Started> finished = new ArrayList<>();
  private final List<Started> all = new ArrayList<>();
  private String printedPassword;
  private Path work;
  private PrivateHost host;

  @Test
  void every_shell_block_of_the_readme_runs_as_written_or_is_marked_skip() throws Exception {
    ApacheHttpd.binary();
    PrivatePostgres.requirePrerequisites();
    List<Block> blocks = ReadmeBlocks.parse(Files.readString(Path.of("README.md")));
    assertFalse(blocks.stream().allMatch(Block::skipped), "no block to run: " + blocks);
    work = workspace();
    try (PrivateHost opened = PrivateHost.open();
        PrivatePostgres postgres = PrivatePostgres.start(opened, work.resolve(".readme-it"))) {
      host = opened;
      System.out.println("ReadmeIT: " + postgres);
      String section = null;
      for (Block block : blocks) {
        if (!block.section().equals(section)) {
          endSection();
          section = block.section();
        }
        if (block.skipped()) {
          System.out.println(
              "ReadmeIT: " + block.where() + ": skipped (" + block.skipReason() + ")");
        } else {
          run(block);
        }
      }
      endSection();
    } finally {
      for (Started started : all) {
        started.kill();
      }
    }
    deleteRecursively(work); // kept when the test fails, to look into
  }

  /** Runs one block until it finishes or starts serving. */
  private void run(Block block) throws Exception {
    String script = block.script();
    if (script.contains("<printed password>")) {
      if (printedPassword == null) {
        throw new AssertionError(
            block.where() + ": needs the password userdb prints at its first start, and none was");
      }
      script = script.replace("<printed password>", printedPassword);
    }
    Path file = work.resolve(".readme-it/block-" + block.line() + ".sh");
    Files.writeString(file, "set -e -o pipefail\n" + script);
    Path log = work.resolve(".readme-it/block-" + block.line() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(host.command(work, "bash", file.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(work.resolve(".readme-it/stdin").toFile());
    environment(builder.environment());
    Started started = new Started(block, builder.start(), log);
    all.add(started);
    long deadline = System.nanoTime() + START_MILLIS * 1_000_000;
    while (true) {
      String output = Files.readString(log);
      Matcher password = PRINTED_PASSWORD.matcher(output);
      if (printedPassword == null && password.find()) {
        printedPassword = password.group(1);
      }
      if (!started.process.isAlive()) {
        int code = started.process.exitValue();
        if (code != 0) {
          throw failure(started, "exited " + code);
        }
        System.out.println("ReadmeIT: " + block.where() + ": ran");
        finished.add(started);
        return;
      }
      if (serving(block, output)) {
        System.out.println("ReadmeIT: " + block.where() + ": serving");
        servers.add(started);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw failure(
            started, "neither finished nor started serving within " + START_MILLIS / 1000 + " s");
      }
      Thread.sleep(100);
    }
  }

  private boolean serving(Block block, String output) throws Exception {
    if (block.script().contains("-DFOREGROUND")) {
      return host.httpStatus("http://" + apacheListen(block) + "/health") == 200;
    }
    return SERVING.matcher(output).find();
  }

  /** Where Apache listens: the block's Define, else httpd.conf's default. */
  private String apacheListen(Block block) throws IOException {
    Matcher given = LISTEN.matcher(block.script());
    Matcher fallback =
        LISTEN.matcher(Files.readString(work.resolve("httpd-conf/linux/httpd.conf")));
    if (given.find()) {
      return given.group(1);
    }
    if (!fallback.find()) {
      throw new AssertionError("httpd-conf/linux/httpd.conf has no default USERDB_LISTEN");
    }
    return fallback.group(1);
  }

  /**
   * Ends a section as Ctrl-C would in a terminal: SIGTERM to what each server block started, not to
   * the block's shell. The block must then finish with exit 0 within 20 s, and leave nothing
   * running: its servers stop gracefully, and whatever follows them in the block runs then and must
   * succeed too, so no command can hide behind a server that never returns. What finished blocks
   * left running in the background is stopped too.
   */
  private void endSection() throws Exception {
    for (Started server : servers) {
      if (!server.process.isAlive()) {
        throw failure(
            server, "stopped (exit " + server.process.exitValue() + ") before the section ended");
      }
    }
    for (Started server : servers) {
      server.group().signal(false, server.process.pid());
    }
    for (Started server : servers) {
      if (!server.process.waitFor(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
        server.kill();
        throw failure(
            server,
            "did not finish within "
                + STOP_MILLIS / 1000
                + " s of its servers' SIGTERM"
                + " (a command after the server that does not return?)");
      }
      if (server.process.exitValue() != 0) {
        throw failure(
            server, "exited " + server.process.exitValue() + " once its servers got SIGTERM");
      }
      if (!server.group().awaitEmpty(STOP_MILLIS)) {
        server.kill();
        throw failure(server, "left processes running " + STOP_MILLIS / 1000 + " s after SIGTERM");
      }
    }
    for (Started done : finished) {
      done.group().signal(false, -1);
      if (!done.group().awaitEmpty(STOP_MILLIS)) {
        done.kill();
        throw failure(done, "left processes running " + STOP_MILLIS / 1000 + " s after SIGTERM");
      }
    }
    servers.clear();
    finished.clear();
  }

  private AssertionError failure(Started started, String what) throws Exception {
    List<String> lines = Files.readString(started.log).lines().toList();
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    String apache =
        started.block.script().contains("apache2")
            ? "\nApache's error log:\n" + host.read("/tmp/userdb-httpd/error.log")
            : "";
    return new AssertionError(
        started.block.where()
            + " "
            + what
            + "; fix the README or mark the block"
            + " <!-- readme-test: skip (reason) -->. Its script:\n"
            + started.block.script()
            + "Its output:\n"
            + tail
            + apache
            + "\n(work folder kept: "
            + work
            + ")");
  }

  /**
   * The reader's environment: this JDK's java first, the sbin folders root has, no USERDB_*
   * settings, and a home folder of the test's own for what a block keeps in ~.
   */
  private void environment(Map<String, String> env) {
    env.keySet().removeIf(name -> name.startsWith("USERDB_") || name.equals("TMPDIR"));
    env.put("HOME", work.resolve(".readme-it/home").toString());
    String path =
        work.resolve(".readme-it/bin")
            + ":"
            + Path.of(System.getProperty("java.home"), "bin")
            + ":"
            + env.getOrDefault("PATH", "/usr/bin:/bin");
    env.put("PATH", path.contains("/usr/sbin") ? path : path + ":/usr/sbin:/sbin");
  }

  /** A block started, in a session of its own: its group holds whatever it started. */
  private record Started(Block block, Process process, Path log) {

    ProcessGroup group() {
      return new ProcessGroup(process.pid());
    }

    void kill() throws IOException, InterruptedException {
      group().signal(true, -1);
      group().awaitEmpty(5_000);
    }
  }

  /** A fresh copy of what the README's blocks use, under target/. */
  private static Path workspace() throws IOException {
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "readme-it-");
    // Open to all as a checkout is: `sudo -u postgres psql` must find where it runs (getcwd).
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    copy(Path.of("bin"), work.resolve("bin"));
    copy(Path.of("httpd-conf"), work.resolve("httpd-conf"));
    Files.createDirectories(work.resolve("target"));
    Path jar = UserdbProcess.jar().toAbsolutePath();
    try {
      Files.createLink(work.resolve("target/userdb.jar"), jar);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(jar, work.resolve("target/userdb.jar"));
    }
    executable(
        work.resolve("mvnw"),
        """
        #!/usr/bin/env bash
        # ReadmeIT's stand-in: the build running this test has just packaged target/userdb.jar.
        case " $* " in *" package "*) [ -f target/userdb.jar ] && exit 0 ;; esac
        echo "ReadmeIT: ./mvnw $* cannot run inside a test; mark the block readme-test: skip" >&2
        exit 1
        """);
    Files.createDirectories(work.resolve(".readme-it/bin"));
    Files.createDirectories(work.resolve(".readme-it/home"));
    executable(
        work.resolve(".readme-it/bin/curl"),
        """
        #!/usr/bin/env bash
        # A README's curl that gets an HTTP error has failed, as its reader would see.
        exec %s --silent --show-error --fail-with-body "$@"
        """
            .formatted(PrivateHost.which("curl")));
    Files.writeString(work.resolve(".readme-it/stdin"), "readme-it-password\nreadme-it-password\n");
    return work;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Files.copy(
            path, to.resolve(from.relativize(path).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
