package io.userdb;

import io.userdb.db.postgres.PostgresServer;
import io.userdb.db.postgres.TestCertificateAuthority;
import io.userdb.db.postgres.TestCertificateAuthority.ServerCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PostgreSQL server README.md's section "Outgrowing one host" talks to, set up inside a {@link
 * PrivateHost} as a Debian site would have it: {@code db.example.org} (in a private copy of
 * /etc/hosts) on 127.0.0.1:5432, TLS only, with a certificate from a CA of the test's own that the
 * system's CA bundle trusts (a private copy of /etc/ssl/certs/ca-certificates.crt, as {@code
 * update-ca-certificates} would make it), and its socket in /var/run/postgresql (a private folder),
 * where {@code sudo -u postgres psql} finds it and signs in by peer authentication. Nothing changes
 * outside the private host. The README's own commands create the role and the database.
 */
final class PrivatePostgres implements AutoCloseable {

  private static final String HOST = "db.example.org";
  private static final String CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  private static final String SOCKETS = "/var/run/postgresql";

  private final Path bin;
  private final Path folder;
  private final Path data;

  private PrivatePostgres(Path bin, Path folder) {
    this.bin = bin;
    this.folder = folder;
    this.data = folder.resolve("data");
  }

  /** What the section needs of the machine; skips the test without it (fails it in CI). */
  static void requirePrerequisites() {
    PostgresServer.binaryFolder();
    if (PrivateHost.which("sudo") == null) {
      Prerequisites.missing("ReadmeIT runs the README's sudo -u postgres psql: install sudo");
    }
    if (!Files.isRegularFile(Path.of(CA_BUNDLE)) || !Files.isDirectory(Path.of(SOCKETS))) {
      Prerequisites.missing(
          "ReadmeIT puts private copies over "
              + CA_BUNDLE
              + " and "
              + SOCKETS
              + ", which must exist (packages ca-certificates and postgresql)");
    }
  }

  /**
   * Starts the server inside {@code host}; its files go to {@code work}, a folder of the test's.
   */
  static PrivatePostgres start(PrivateHost host, Path work) throws Exception {
    Path tls = Files.createDirectories(work.resolve("tls"));
    TestCertificateAuthority ca = TestCertificateAuthority.create(tls, "readme");
    ServerCertificate certificate = ca.issue(HOST);
    host.mountOver("/etc/hosts", privateCopy("/etc/hosts", work, "127.0.0.1 " + HOST + "\n"));
    host.mountOver(CA_BUNDLE, privateCopy(CA_BUNDLE, work, Files.readString(ca.certificate())));

    Path folder = PostgresServer.newPrivateFolder();
    PrivatePostgres server = new PrivatePostgres(PostgresServer.binaryFolder(), folder);
    try {
      server.init(certificate);
      Path sockets = Files.createDirectories(folder.resolve("run"));
      Files.setOwner(
          sockets,
          sockets
              .getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByName("postgres"));
      host.mountOver(SOCKETS, sockets);
      host.execute(server.pgCtl("-l", folder.resolve("log").toString(), "-w", "-t", "60", "start"));
      return server;
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
  }

  /** A cluster whose superuser signs in by peer authentication, and only TLS over TCP. */
  private void init(ServerCertificate certificate) throws Exception {
    run(
        PostgresServer.asServerUser(
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "postgres",
                "--auth-local=peer",
                "-E",
                "UTF8",
                "--locale=C.UTF-8")));
    Files.writeString(
        data.resolve("pg_hba.conf"),
        "local all all peer\nhostssl all all 127.0.0.1/32 scram-sha-256\n");
    Files.writeString(
        data.resolve("postgresql.conf"),
        "\nlisten_addresses = '127.0.0.1'\nport = 5432\nunix_socket_directories = '"
            + SOCKETS
            + "'\n"
            + PostgresServer.tlsSettings(folder, certificate.certificate(), certificate.key()),
        StandardOpenOption.APPEND);
  }

  private List<String> pgCtl(String... arguments) {
    List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D"));
    command.add(data.toString());
    command.addAll(List.of(arguments));
    return PostgresServer.asServerUser(command);
  }

  /** {@code original}'s text and {@code extra}, in a file of the test's, readable by all as is. */
  private static Path privateCopy(String original, Path work, String extra) throws Exception {
    Path copy = work.resolve(Path.of(original).getFileName());
    String text = Files.readString(Path.of(original), StandardCharsets.UTF_8);
    Files.writeString(copy, text + (text.endsWith("\n") ? "" : "\n") + extra);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    return copy;
  }

  @Override
  public String toString() {
    return HOST + ": PostgreSQL in the private host, its log in " + folder.resolve("log");
  }

  /** Stops the server if it runs (pg_ctl signals it, from outside too); deletes its folder. */
  @Override
  public void close() throws Exception {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(pgCtl("-m", "fast", "-w", "stop"));
      }
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  /** Runs {@code command} outside the private host; fails with its output unless it exits 0. */
  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
