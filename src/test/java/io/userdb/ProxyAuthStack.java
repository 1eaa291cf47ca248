package io.userdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.Md5Crypt;

/**
 * The proxy-authentication deployment, for real: Apache with the shipped confs and {@code
 * -DUSERDB_PROXY_AUTH}, checking Basic credentials against an htpasswd file, in front of a userdb
 * started with {@code --trust-proxy-user} and whatever else a test adds. Apache knows {@code admin}
 * and {@code pat} (passwords {@link #APACHE_PASSWORD}) and {@code ADMIN}, which has no account in
 * userdb.
 */
final class ProxyAuthStack implements AutoCloseable {

  static final String APACHE_PASSWORD = "apache-password";

  final TestServer backend;
  final ApacheHttpd apache;

  private ProxyAuthStack(TestServer backend, ApacheHttpd apache) {
    this.backend = backend;
    this.apache = apache;
  }

  static ProxyAuthStack start(Path work, String... backendOptions) throws Exception {
    ApacheHttpd.binary();
    Path htpasswd = htpasswd(work);
    String[] options = new String[backendOptions.length + 2];
    options[0] = "ajp-port";
    options[1] = "0";
    System.arraycopy(backendOptions, 0, options, 2, backendOptions.length);
    TestServer backend = TestServer.start(work.resolve("db"), options);
    try {
      ApacheHttpd apache =
          ApacheHttpd.start(
              work,
              Map.of(
                  "USERDB_AJP",
                  "127.0.0.1:" + backend.service().ajpPort(),
                  "USERDB_HTPASSWD",
                  htpasswd.toString()),
              List.of("USERDB_PROXY_AUTH"),
              ApacheIT.secretOf(backend));
      return new ProxyAuthStack(backend, apache);
    } catch (Exception | AssertionError e) {
      backend.close();
      throw e;
    }
  }

  private static Path htpasswd(Path work) throws Exception {
    Path dir = Files.createDirectory(work.resolve("auth"));
    Path file = dir.resolve("htpasswd");
    StringBuilder lines = new StringBuilder();
    for (String user : List.of("admin", "pat", "ADMIN")) {
      lines
          .append(user)
          .append(':')
          .append(Md5Crypt.apr1Crypt(APACHE_PASSWORD.getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    Files.writeString(file, lines);
    // Apache's workers (www-data) read the file at request time.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  HttpApi http() {
    return apache.http();
  }

  @Override
  public void close() throws Exception {
    try (TestServer b = backend) {
      apache.close();
    }
  }
}
