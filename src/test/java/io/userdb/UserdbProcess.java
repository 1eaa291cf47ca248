package io.userdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar run as its own process, the way users and scripts run it. */
final class UserdbProcess implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile("userdb: (http|ajp) listening on (.+):(\\d+)");

  final Process process;
  final Path stdout;
  final Path stderr;
  int httpPort = -1;
  int ajpPort = -1;

  private UserdbProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("userdb.jar", "target/userdb.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the package phase first");
    }
    return jar;
  }

  static List<String> command(String... args) {
    return command(List.of(), jar(), args);
  }

  /** {@code prefix} runs the JVM (e.g. as another user); {@code jar} is the jar to run. */
  static List<String> command(List<String> prefix, Path jar, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts the server and waits until it prints a listening line for every connector. */
  static UserdbProcess serve(Path workDir, Map<String, String> env, String... args)
      throws Exception {
    return serve(List.of(), jar(), workDir, env, args);
  }

  /** Starts the server without waiting for it; {@link #awaitListening()} waits. */
  static UserdbProcess launch(Path workDir, Map<String, String> env, String... args)
      throws Exception {
    Path out = Files.createTempFile(workDir, "stdout", ".log");
    Path err = Files.createTempFile(workDir, "stderr", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command(List.of(), jar(), args))
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("USERDB_"));
    builder.environment().putAll(env);
    UserdbProcess p = new UserdbProcess(builder.start(), out, err);
    p.launchArgs = args;
    return p;
  }

  private String[] launchArgs = new String[0];

  /** For a {@link #launch}ed server: waits until it listens on every connector it was given. */
  void awaitListening() throws Exception {
    awaitListening(
        2 - switchedOff(launchArgs, "--http-port") - switchedOff(launchArgs, "--ajp-port"));
  }

  static UserdbProcess serve(
      List<String> prefix, Path jar, Path workDir, Map<String, String> env, String... args)
      throws Exception {
    Path out = Files.createTempFile(workDir, "stdout", ".log");
    Path err = Files.createTempFile(workDir, "stderr", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command(prefix, jar, args))
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("USERDB_"));
    builder.environment().putAll(env);
    UserdbProcess p = new UserdbProcess(builder.start(), out, err);
    try {
      p.awaitListening(2 - switchedOff(args, "--http-port") - switchedOff(args, "--ajp-port"));
    } catch (Exception | AssertionError e) {
      p.close(); // never leave a half-started server behind
      throw e;
    }
    return p;
  }

  private static int switchedOff(String[] args, String portOption) {
    List<String> list = List.of(args);
    int at = list.indexOf(portOption);
    return at >= 0 && at + 1 < list.size() && list.get(at + 1).equals("-1") ? 1 : 0;
  }

  private void awaitListening(int connectors) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      int found = 0;
      for (String line : Files.readAllLines(stdout)) {
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          found++;
          if (m.group(1).equals("http")) {
            httpPort = Integer.parseInt(m.group(3));
          } else {
            ajpPort = Integer.parseInt(m.group(3));
          }
        }
      }
      if (found >= connectors) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "userdb exited with " + process.exitValue() + ": " + Files.readString(stderr));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("userdb did not listen within 60 s: " + Files.readString(stderr));
  }

  /**
   * Waits until standard error holds {@code text}; fails if it does not in time or the process
   * ends.
   */
  void awaitStderr(String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!stderr().contains(text)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("no '" + text + "' in: " + stderr());
      }
      Thread.sleep(100);
    }
  }

  String stdout() throws IOException {
    return Files.readString(stdout);
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** SIGTERM, then the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("userdb did not stop within 30 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The result of one CLI command. */
  record Run(int exitCode, String stdout, String stderr) {}

  static Run run(Path workDir, Map<String, String> env, String stdin, String... args)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command(args)).directory(workDir.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("USERDB_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    // Both streams read beside the wait, so that a command that never ends fails the test after
    // 60 s instead of blocking a read forever.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = drain(process.getInputStream(), out);
    Thread errReader = drain(process.getErrorStream(), err);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("command did not finish in 60 s: " + String.join(" ", args));
    }
    outReader.join();
    errReader.join();
    return new Run(
        process.exitValue(),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Thread drain(InputStream stream, ByteArrayOutputStream into) {
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                stream.transferTo(into);
              } catch (IOException e) {
                // The process went away; what it wrote is kept.
              }
            });
    reader.start();
    return reader;
  }
}
