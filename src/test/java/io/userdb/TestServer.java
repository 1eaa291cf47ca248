package io.userdb;

import io.userdb.config.ServiceConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real userdb in this JVM: a SQLite file in a temp folder and Tomcat on ephemeral loopback ports.
 * The admin password is known so tests can sign in.
 */
public final class TestServer implements AutoCloseable {

  public static final String ADMIN_PASSWORD = "admin-password-for-tests";

  /** Given on PostgreSQL, where no folder of the store's would hold a generated one. */
  private static final String AJP_SECRET = "test-ajp-secret-for-postgresql-runs-0123456789";

  private final UserdbService service;
  private final ServiceConfig config;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  public final Path db;
  public final HttpApi http;

  private TestServer(Path db, Map<String, String> options) {
    this.db = db;
    Map<String, String> flags = new HashMap<>();
    flags.put("db", StoreUnderTest.location(db));
    flags.put("http-port", "0");
    flags.put("ajp-port", "-1");
    flags.putAll(options);
    if (StoreUnderTest.isPostgres()
        && !flags.containsKey("ajp-secret")
        && !flags.containsKey("ajp-secret-file")) {
      flags.put("ajp-secret", AJP_SECRET);
    }
    config = ServiceConfig.load(flags, StoreUnderTest.env(), null);
    service =
        UserdbService.start(
            config,
            Map.of("USERDB_ADMIN_PASSWORD", ADMIN_PASSWORD),
            new PrintStream(console, true, StandardCharsets.UTF_8));
    http = new HttpApi("http://127.0.0.1:" + service.httpPort());
  }

  /**
   * Starts a server on {@code folder/userdb.db} with extra options by name (e.g. pool-max-total).
   */
  public static TestServer start(Path folder, String... options) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < options.length; i += 2) {
      map.put(options[i], options[i + 1]);
    }
    return new TestServer(folder.resolve("userdb.db"), map);
  }

  /**
   * The AJP secret Apache must give: the configured one, or the one generated beside the database.
   */
  public String ajpSecret() throws IOException {
    return config.ajpSecret() != null
        ? config.ajpSecret()
        : Files.readString(AjpSecrets.fileIn(db.getParent())).strip();
  }

  public UserdbService service() {
    return service;
  }

  public String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  /**
   * The number of borrowed objects once it reaches 0, or after 5 s. A response can reach the client
   * a moment before its handler returns the object, so look until then.
   */
  public int awaitNoneBorrowed() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int active = service.pool().stats().active();
    while (active > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
      active = service.pool().stats().active();
    }
    return active;
  }

  @Override
  public void close() {
    service.close();
  }
}
