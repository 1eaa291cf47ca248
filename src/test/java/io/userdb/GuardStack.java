package io.userdb;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Apache with the shipped httpd-conf and -DUSERDB_GUARD in front of a real userdb serving AJP and
 * FastCGI: a folder of files at /protected/ and /basic/, and an app of its own at /app/ that echoes
 * who Apache says is asking.
 */
final class GuardStack implements AutoCloseable {

  static final String PAGE = "a guarded page\n";
  static final String ADMIN_PAGE = "for admins only\n";
  static final String PUBLIC_PAGE = "for everyone, guests too\n";

  final TestServer backend;
  final ApacheHttpd apache;
  final Path files;
  private final HttpServer app;

  private GuardStack(TestServer backend, ApacheHttpd apache, Path files, HttpServer app) {
    this.backend = backend;
    this.apache = apache;
    this.files = files;
    this.app = app;
  }

  static GuardStack start(Path work, String... options) throws Exception {
    ApacheHttpd.binary();
    // Apache's workers (www-data) read the files: every folder on the way must let them.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path files = guardedFiles(work.resolve("guarded"));
    HttpServer app = echoApp();
    List<String> all = new ArrayList<>(List.of("ajp-port", "0", "fastcgi-port", "0"));
    all.addAll(List.of(options));
    TestServer backend = TestServer.start(work.resolve("db"), all.toArray(String[]::new));
    try {
      ApacheHttpd apache =
          ApacheHttpd.start(
              work, defines(backend, files, app), List.of("USERDB_GUARD"), backend.ajpSecret());
      return new GuardStack(backend, apache, files, app);
    } catch (Exception | Error e) {
      backend.close();
      app.stop(0);
      throw e;
    }
  }

  static Map<String, String> defines(TestServer backend, Path files, HttpServer app) {
    Map<String, String> defines = new HashMap<>();
    defines.put("USERDB_AJP", "127.0.0.1:" + backend.service().ajpPort());
    defines.put("USERDB_FASTCGI", "127.0.0.1:" + backend.service().fastcgiPort());
    defines.put("USERDB_GUARD_DIR", files.toString());
    defines.put("USERDB_GUARD_APP", "http://127.0.0.1:" + app.getAddress().getPort() + "/");
    return defines;
  }

  static Path guardedFiles(Path files) throws IOException {
    Files.createDirectories(files.resolve("admin"));
    Files.createDirectories(files.resolve("public"));
    Files.writeString(files.resolve("page.txt"), PAGE);
    Files.writeString(files.resolve("admin/secret.txt"), ADMIN_PAGE);
    Files.writeString(files.resolve("public/hello.txt"), PUBLIC_PAGE);
    for (Path p : List.of(files, files.resolve("admin"), files.resolve("public"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    for (Path p :
        List.of(
            files.resolve("page.txt"),
            files.resolve("admin/secret.txt"),
            files.resolve("public/hello.txt"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    }
    return files;
  }

  /** An app behind the same Apache: it answers with the headers Apache forwarded it. */
  static HttpServer echoApp() throws IOException {
    HttpServer app =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    app.createContext(
        "/",
        exchange -> {
          String body =
              "user="
                  + exchange.getRequestHeaders().getFirst("X-Remote-User")
                  + " roles="
                  + exchange.getRequestHeaders().getFirst("X-Userdb-Roles")
                  + " cookie="
                  + exchange.getRequestHeaders().containsKey("Cookie")
                  + " authorization="
                  + exchange.getRequestHeaders().containsKey("Authorization")
                  + "\n";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    app.start();
    return app;
  }

  HttpApi http() {
    return apache.http();
  }

  @Override
  public void close() throws Exception {
    try {
      apache.close();
    } finally {
      app.stop(0);
      backend.close();
    }
  }
}
