package io.userdb.db.postgres;

import io.userdb.Prerequisites;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL cluster (Debian's {@code postgresql}) on a free loopback port, for
 * tests: initdb into a temporary folder, started with pg_ctl, password (SCRAM) authentication over
 * TCP as a site would run it. The server refuses to run as root, so as root it runs as the {@code
 * postgres} user. One per test JVM ({@link #shared()}), stopped when the JVM ends; each test takes
 * a database of its own ({@link #newDatabase()}).
 */
public final class PostgresServer {

  /**
   * The role userdb connects as, and its password (given to userdb as USERDB_DB_PASSWORD would be).
   */
  public static final String USER = "userdb";

  public static final String PASSWORD = "userdb-test-password-3c9d";
  private static final String SUPERUSER_PASSWORD = "superuser-test-password-81ab";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final String SMALL_TABLESPACE = "small";
  private static final String STANDBY_NAME = "userdb_standby";
  private static PostgresServer shared;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;

  private PostgresServer(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
  }

  /**
   * The JVM's cluster, started on first use; a missing PostgreSQL skips the test (fails it in CI).
   */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = startNew();
    }
    return shared;
  }

  /**
   * A cluster of the caller's own, for tests that stop and start it; {@link #destroy()} ends it
   * (and the JVM's end does, should the test not).
   */
  public static PostgresServer startNew() {
    return launch(server -> {}, PostgresServer::start);
  }

  /** What a cluster of a test's own needs between initdb and its first start, or to start. */
  private interface Step {
    void on(PostgresServer server) throws IOException, InterruptedException;
  }

  /**
   * A new cluster: initialised, {@code configure}d, started by {@code start}, with the role userdb
   * signs in as; destroyed at the JVM's end should the test not.
   */
  private static PostgresServer launch(Step configure, Step start) {
    Path bin = binaryFolder();
    try {
      PostgresServer server = new PostgresServer(bin, newPrivateFolder(), freePort());
      server.init();
      configure.on(server);
      start.on(server);
      Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
      server.createRole();
      return server;
    } catch (IOException | InterruptedException | SQLException e) {
      throw new IllegalStateException("cannot start a PostgreSQL cluster for the tests: " + e, e);
    }
  }

  // ---- TLS (PostgresTlsIT, ReadmeIT) -----------------------------------------------------------

  /**
   * As {@link #startNew()}, with TLS on ({@link #tlsSettings}); clients may still connect without
   * it, so a test can show what it changes.
   */
  public static PostgresServer startNewWithTls(Path certificate, Path key) {
    return launch(
        server -> server.appendSettings(tlsSettings(server.dir, certificate, key)),
        PostgresServer::start);
  }

  /**
   * Copies a certificate and its key into {@code folder} (a cluster's own) as the server demands
   * them, owned by the user it runs as and the key 0600 (else it refuses to start); the
   * postgresql.conf lines that switch TLS on with them.
   */
  public static String tlsSettings(Path folder, Path certificate, Path key)
      throws IOException, InterruptedException {
    Path cert = Files.copy(certificate, folder.resolve("server.crt"));
    Path privateKey = Files.copy(key, folder.resolve("server.key"));
    Files.setPosixFilePermissions(
        privateKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    chownToPostgres(cert);
    chownToPostgres(privateKey);
    return "\nssl = on\nssl_cert_file = '" + cert + "'\nssl_key_file = '" + privateKey + "'\n";
  }

  /** The command line that runs {@code command} as the user the server runs as. */
  public static List<String> asServerUser(List<String> command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    return full;
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A cluster of the caller's own with a tablespace {@value #SMALL_TABLESPACE} on a filesystem of
   * {@code bytes}, to fill as a disk fills: a tmpfs mounted in a mount namespace of the server's
   * own, so nothing else on the machine sees it. Needs root (to mount); skips the test without.
   */
  public static PostgresServer startWithSmallDisk(long bytes) {
    if (!isRoot()) {
      Prerequisites.missing(
          "filling a disk needs root, to mount a small filesystem for the server");
    }
    PostgresServer server =
        launch(
            created -> Files.createDirectory(created.smallDisk()),
            created ->
                created.execute(
                    Stream.concat(
                            Stream.of(
                                "unshare",
                                "--mount",
                                "--propagation",
                                "private",
                                "sh",
                                "-c",
                                "mount -t tmpfs -o size=\"$1\",mode=0700 tmpfs \"$2\" && chown"
                                    + " postgres:postgres \"$2\" && shift 2 && exec runuser -u"
                                    + " postgres -- \"$@\"",
                                "sh",
                                Long.toString(bytes),
                                created.smallDisk().toString()),
                            created.startCommand().stream())
                        .toList()));
    server.superuser(
        "CREATE TABLESPACE " + SMALL_TABLESPACE + " LOCATION '" + server.smallDisk() + "'");
    return server;
  }

  private Path smallDisk() {
    return dir.resolve(SMALL_TABLESPACE);
  }

  /**
   * Gives the small tablespace of {@link #startWithSmallDisk} {@code bytes} in all, as an
   * administrator who grows a full disk would (a remount inside the server's mount namespace).
   */
  public void growSmallDisk(long bytes) throws IOException, InterruptedException {
    execute(
        List.of(
            "nsenter",
            "--target",
            Long.toString(postmasterPid()),
            "--mount",
            "mount",
            "-o",
            "remount,size=" + bytes,
            smallDisk().toString()));
  }

  /** The postmaster's process id, from the pid file it keeps in its data folder while it runs. */
  private long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
  }

  /** A new, empty database owned by {@link #USER}; its JDBC URL (without the password). */
  public String newDatabase() {
    String name = nextDatabaseName();
    superuser("CREATE DATABASE " + name + " OWNER " + USER);
    return url(name) + "?user=" + USER;
  }

  /**
   * A new, empty database whose tables go to the small tablespace of {@link #startWithSmallDisk}
   * (its default); its JDBC URL (without the password).
   */
  public String newDatabaseOnSmallDisk() {
    String name = nextDatabaseName();
    superuser(
        "CREATE DATABASE " + name + " OWNER " + USER,
        "GRANT CREATE ON TABLESPACE " + SMALL_TABLESPACE + " TO " + USER,
        "ALTER DATABASE " + name + " SET default_tablespace = " + SMALL_TABLESPACE);
    return url(name) + "?user=" + USER;
  }

  private static String nextDatabaseName() {
    return "userdb_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
  }

  /** The database a JDBC URL names: the path after its host, without parameters. */
  public static String databaseName(String databaseUrl) {
    return databaseUrl.replaceAll(".*/([^/?]+)(\\?.*)?$", "$1");
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  /** Runs statements as the superuser, in the postgres database. */
  public void superuser(String... sql) {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", SUPERUSER_PASSWORD);
    try (Connection c = DriverManager.getConnection(url("postgres"), p);
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("superuser statement failed: " + e.getMessage(), e);
    }
  }

  /**
   * Ends every connection userdb holds to {@code database}, as an administrator or a failover
   * would.
   */
  public void terminateConnections(String databaseUrl) {
    String name = databaseName(databaseUrl);
    superuser(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
            + name
            + "' AND pid <> pg_backend_pid()");
  }

  /**
   * A streaming standby of this cluster on a port of its own (pg_basebackup), which this cluster
   * then waits for before it acknowledges a commit (synchronous replication): an acknowledged write
   * is on both. The standby waits for nobody, so that once promoted it takes writes alone.
   */
  public PostgresServer startStandby() {
    try {
      PostgresServer standby = new PostgresServer(bin, newPrivateFolder(), freePort());
      run(
          List.of(
              bin.resolve("pg_basebackup").toString(),
              "--pgdata=" + standby.data,
              "--write-recovery-conf",
              "--wal-method=stream",
              "--checkpoint=fast",
              "--dbname=host=127.0.0.1 port="
                  + port
                  + " user=postgres password="
                  + SUPERUSER_PASSWORD
                  + " application_name="
                  + STANDBY_NAME));
      standby.appendSettings(
          "\nport = "
              + standby.port
              + "\nunix_socket_directories = '"
              + standby.dir
              + "'\nsynchronous_standby_names = ''\n");
      standby.start();
      Runtime.getRuntime().addShutdownHook(new Thread(standby::destroy));
      superuser(
          "ALTER SYSTEM SET synchronous_standby_names = '" + STANDBY_NAME + "'",
          "SELECT pg_reload_conf()");
      awaitSynchronousStandby();
      return standby;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot start a standby: " + e, e);
    }
  }

  private void awaitSynchronousStandby() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!query(url("postgres"), "SELECT sync_state FROM pg_stat_replication").contains("sync")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the standby never became synchronous");
      }
      Thread.sleep(100);
    }
  }

  /** Makes a standby the primary (pg_ctl promote), as an administrator does after a failover. */
  public void promote() throws IOException, InterruptedException {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "promote"));
  }

  /** Whether this cluster is a standby (in recovery). */
  public boolean isStandby() {
    return query(url("postgres"), "SELECT pg_is_in_recovery()").equals(List.of("t"));
  }

  /** SIGKILL of the postmaster, as a host dying would: its backends end when they notice. */
  public void kill() throws IOException, InterruptedException {
    long postmaster = postmasterPid();
    ProcessHandle handle =
        ProcessHandle.of(postmaster)
            .orElseThrow(() -> new IOException("no postmaster " + postmaster));
    handle.destroyForcibly(); // SIGKILL
    try {
      handle.onExit().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("the postmaster outlived SIGKILL: " + e, e);
    }
  }

  /** Stops as a crash would: no checkpoint, every connection cut (pg_ctl -m immediate). */
  public void crash() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "immediate",
            "-w",
            "stop"));
  }

  /**
   * Runs a query as the superuser in {@code databaseUrl}'s database; the first column of each row.
   */
  public List<String> query(String databaseUrl, String sql) {
    String name = databaseName(databaseUrl);
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", SUPERUSER_PASSWORD);
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(name), p);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + e.getMessage(), e);
    }
    return rows;
  }

  public void stop() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
  }

  public void start() throws IOException, InterruptedException {
    run(startCommand());
  }

  private List<String> startCommand() {
    return List.of(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("log").toString(),
        "-w",
        "-t",
        "60",
        "start");
  }

  private void init() throws IOException, InterruptedException {
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n");
    chownToPostgres(pwfile);
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--pwfile=" + pwfile,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8"));
    appendSettings(
        "\nlisten_addresses = '127.0.0.1'\nport = "
            + port
            + "\nunix_socket_directories = '"
            + dir
            + "'\n"
            + "max_connections = 200\n");
  }

  /** Lines added to postgresql.conf: later lines win over earlier ones of the same setting. */
  private void appendSettings(String lines) throws IOException {
    Files.writeString(
        data.resolve("postgresql.conf"),
        lines,
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private void createRole() throws SQLException {
    superuser("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
  }

  /** Stops the cluster if it runs and deletes its folder. */
  public synchronized void destroy() {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        try {
          stop();
        } catch (IOException e) {
          // Killed already (a stale pid file): nothing runs to stop.
        }
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    } catch (IOException | InterruptedException e) {
      // The JVM is ending; the folder is temporary.
    }
  }

  /** Runs {@code command} as the postgres user (the server refuses to run as root). */
  private void run(List<String> command) throws IOException, InterruptedException {
    execute(asServerUser(command));
  }

  /** Runs {@code command} as this process's user. */
  private void execute(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("commands.log").toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(
          String.join(" ", command)
              + " failed: "
              + Files.readString(dir.resolve("commands.log"))
              + readLog());
    }
  }

  private String readLog() throws IOException {
    Path log = dir.resolve("log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The newest installed PostgreSQL's programs (initdb, pg_ctl); a missing one skips the test. */
  public static Path binaryFolder() {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(
                    Comparator.comparing(
                        b ->
                            Integer.parseInt(
                                b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        if (newest.isPresent()) {
          return newest.get();
        }
      } catch (IOException e) {
        // fall through to the message below
      }
    }
    return Prerequisites.missing(
        "PostgreSQL is not installed (Debian: apt-get install postgresql)");
  }

  /** A new folder only the user the server runs as may write (postgres, when run as root). */
  public static Path newPrivateFolder() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("userdb-pg-");
    chownToPostgres(dir);
    return dir;
  }

  private static void chownToPostgres(Path path) throws IOException, InterruptedException {
    if (isRoot()
        && new ProcessBuilder("chown", "postgres:postgres", path.toString()).start().waitFor()
            != 0) {
      throw new IOException("cannot give " + path + " to the postgres user");
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
