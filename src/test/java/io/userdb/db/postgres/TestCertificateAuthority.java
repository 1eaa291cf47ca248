package io.userdb.db.postgres;

import io.userdb.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made with openssl in a folder of the test's own, and the server
 * certificates it signs: what a site's own CA gives its PostgreSQL server, so that {@code
 * sslmode=verify-full} is tested against real certificates. Keys are EC P-256, made at once where
 * RSA keys would cost a shared core seconds; valid for two days.
 */
public final class TestCertificateAuthority {

  /** A server's certificate (PEM) and its unencrypted private key (PEM). */
  public record ServerCertificate(Path certificate, Path key) {}

  private static final String CURVE = "ec_paramgen_curve:prime256v1";
  private static final String DAYS = "2";

  private final Path dir;
  private final Path certificate;
  private final Path key;

  private TestCertificateAuthority(Path dir, Path certificate, Path key) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA called {@code name}, its files in {@code dir}; openssl missing skips the test. */
  public static TestCertificateAuthority create(Path dir, String name) throws Exception {
    String certificate = name + "-ca.pem";
    String key = name + "-ca.key";
    openssl(
        dir,
        "req -x509 -new -newkey ec -pkeyopt %s -nodes -keyout %s -out %s -days %s -subj /CN=%s-ca"
                .formatted(CURVE, key, certificate, DAYS, name)
            + " -addext basicConstraints=critical,CA:TRUE"
            + " -addext keyUsage=critical,keyCertSign,cRLSign");
    return new TestCertificateAuthority(dir, dir.resolve(certificate), dir.resolve(key));
  }

  /** The CA's certificate: what a client names in {@code sslrootcert=} to trust it. */
  public Path certificate() {
    return certificate;
  }

  /** A server certificate for {@code hostName} alone (one DNS name, no IP address). */
  public ServerCertificate issue(String hostName) throws Exception {
    Files.writeString(
        dir.resolve(hostName + ".ext"),
        "subjectAltName=DNS:"
            + hostName
            + "\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n");
    openssl(
        dir,
        "req -new -newkey ec -pkeyopt %s -nodes -keyout %s.key -out %s.csr -subj /CN=%s"
            .formatted(CURVE, hostName, hostName, hostName));
    openssl(
        dir,
        "x509 -req -in %s.csr -CA %s -CAkey %s -set_serial %d -days %s -extfile %s.ext -out %s.pem"
            .formatted(
                hostName,
                certificate.getFileName(),
                key.getFileName(),
                new SecureRandom().nextLong() & Long.MAX_VALUE,
                DAYS,
                hostName,
                hostName));
    return new ServerCertificate(dir.resolve(hostName + ".pem"), dir.resolve(hostName + ".key"));
  }

  /**
   * Runs openssl in {@code dir}; {@code arguments} are split at spaces, which the files' names (all
   * in {@code dir}) and subjects never hold.
   */
  private static void openssl(Path dir, String arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments.split(" ")));
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      process = Prerequisites.missing("the TLS tests make certificates with openssl: " + e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
