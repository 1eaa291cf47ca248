package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.DatabaseException;
import io.userdb.db.NewUser;
import io.userdb.db.StoreSettings;
import io.userdb.db.StoreUnavailableException;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import io.userdb.db.postgres.PostgresServer;
import io.userdb.db.postgres.TestCertificateAuthority;
import io.userdb.db.postgres.TestCertificateAuthority.ServerCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to PostgreSQL for real: a cluster of the test's own serves a certificate for {@code
 * localhost} signed by a CA of the test's own, and userdb reaches it through its store with
 * pgjdbc's {@code sslmode=verify-full}. Both sides of the promise are shown: with that CA and that
 * name the connection works and the server says it is encrypted; another CA, a name the certificate
 * does not carry, or no CA at all are refused before any user data is read. pgjdbc trusts the file
 * {@code sslrootcert=} names, else {@code .postgresql/root.crt} under Java's {@code user.home}
 * (LibPQFactory), never Java's trust store: the README says so, and this test holds it to that.
 */
class PostgresTlsIT {

  private static final Map<String, String> ENV =
      Map.of("USERDB_DB_PASSWORD", PostgresServer.PASSWORD);
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  /** The server's view of userdb's connections to this database: encrypted or not, each. */
  private static final String ENCRYPTED =
      "SELECT s.ssl::text FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid"
          + " WHERE a.datname = current_database() AND a.usename = '"
          + PostgresServer.USER
          + "'";

  @TempDir static Path certificates;
  private static TestCertificateAuthority ca;
  private static TestCertificateAuthority unrelated;
  private static PostgresServer pg;

  @TempDir Path work;

  @BeforeAll
  static void startClusterWithTls() throws Exception {
    ca = TestCertificateAuthority.create(certificates, "userdb");
    unrelated = TestCertificateAuthority.create(certificates, "unrelated");
    ServerCertificate localhost = ca.issue("localhost");
    pg = PostgresServer.startNewWithTls(localhost.certificate(), localhost.key());
  }

  @AfterAll
  static void stopCluster() {
    if (pg != null) {
      pg.destroy();
    }
  }

  @Test
  void verify_full_with_the_servers_ca_works_and_the_server_says_the_connection_is_encrypted() {
    String database = newDatabase();
    String url = url("localhost", database, "sslmode=verify-full&sslrootcert=" + ca.certificate());
    try (UserStore store = open(url);
        UserDatabase db = store.open()) {
      db.createUser(user("tls-alice"), NOW);
      assertEquals("tls-alice", db.findUser("TLS-ALICE").orElseThrow().username());
      assertEquals(List.of("true"), pg.query(pg.url(database), ENCRYPTED));
    }
  }

  @Test
  void the_encryption_check_can_tell_a_plain_connection() {
    String database = newDatabase();
    try (UserStore store = open(url("localhost", database, "sslmode=disable"));
        UserDatabase db = store.open()) {
      assertEquals(0, db.countUsers());
      assertEquals(List.of("false"), pg.query(pg.url(database), ENCRYPTED));
    }
  }

  @Test
  void a_certificate_from_another_ca_is_refused() {
    String database = databaseWithOneUser();
    DatabaseException refused = refusal(wrongCa(database));
    assertTrue(refused.getMessage().contains("PKIX path"), refused.getMessage());
  }

  @Test
  void a_host_name_the_certificate_does_not_carry_is_refused() {
    String database = databaseWithOneUser();
    String url = url("127.0.0.1", database, "sslmode=verify-full&sslrootcert=" + ca.certificate());
    DatabaseException refused = refusal(url);
    assertTrue(refused.getMessage().contains("hostname 127.0.0.1"), refused.getMessage());
  }

  /**
   * Without {@code sslrootcert=}, pgjdbc reads {@code .postgresql/root.crt} under Java's {@code
   * user.home} (the account's home from the password database, not $HOME), here pointed at a folder
   * of the test's own for the time of the test.
   */
  @Test
  void without_sslrootcert_the_ca_is_read_from_root_crt_under_javas_user_home() throws Exception {
    String database = databaseWithOneUser();
    String url = url("localhost", database, "sslmode=verify-full");
    String realHome = System.getProperty("user.home");
    Path home = Files.createDirectories(work.resolve("home"));
    try {
      System.setProperty("user.home", home.toString());
      DatabaseException refused = refusal(url);
      assertTrue(
          refused.getMessage().contains(home.resolve(".postgresql/root.crt").toString()),
          refused.getMessage());

      Files.createDirectories(home.resolve(".postgresql"));
      Files.copy(ca.certificate(), home.resolve(".postgresql/root.crt"));
      try (UserStore store = open(url);
          UserDatabase db = store.open()) {
        assertEquals(1, db.countUsers());
      }
    } finally {
      System.setProperty("user.home", realHome);
    }
  }

  @Test
  void the_packaged_server_serves_on_the_tls_url_and_the_cli_refuses_the_wrong_ca_in_one_line()
      throws Exception {
    String database = newDatabase();
    String good = url("localhost", database, "sslmode=verify-full&sslrootcert=" + ca.certificate());
    try (UserdbProcess server =
        UserdbProcess.serve(work, ENV, "--db", good, "--http-port", "0", "--ajp-port", "-1")) {
      HttpApi.Reply health = new HttpApi("http://127.0.0.1:" + server.httpPort).get("/health");
      assertEquals(200, health.status(), health.body());
      assertTrue(health.body().contains("\"UP\""), health.body());
      List<String> connections = pg.query(pg.url(database), ENCRYPTED);
      assertFalse(connections.isEmpty());
      assertTrue(connections.stream().allMatch("true"::equals), connections.toString());

      UserdbProcess.Run list =
          UserdbProcess.run(work, ENV, null, "user", "list", "--db", wrongCa(database));
      assertOneLineRefusal(list);
      assertFalse(list.stdout().contains("admin"), "no user data: " + list.stdout());
    }
  }

  /** Not an outage to wait out (as a server still starting is): the start stops with one line. */
  @Test
  void the_server_does_not_wait_for_a_server_it_does_not_trust() throws Exception {
    UserdbProcess.Run serve =
        UserdbProcess.run(
            work,
            ENV,
            null,
            "--db",
            wrongCa(newDatabase()),
            "--http-port",
            "0",
            "--ajp-port",
            "-1");
    assertOneLineRefusal(serve);
    assertFalse(serve.stderr().contains("waiting for"), serve.stderr());
  }

  private static void assertOneLineRefusal(UserdbProcess.Run run) {
    assertEquals(1, run.exitCode(), run.stderr());
    assertEquals(1, run.stderr().strip().lines().count(), run.stderr());
    assertTrue(run.stderr().contains("PKIX path"), run.stderr());
  }

  /**
   * Opening an object on {@code url} fails, so nothing could be read through it; and the failure is
   * a refusal, not a server out of reach that the service would wait for.
   */
  private static DatabaseException refusal(String url) {
    try (UserStore store = open(url)) {
      DatabaseException refused = assertThrows(DatabaseException.class, store::open);
      assertFalse(refused instanceof StoreUnavailableException, refused.toString());
      return refused;
    }
  }

  private static UserStore open(String url) {
    return UserStores.open(StoreSettings.existing(url).withPassword(PostgresServer.PASSWORD));
  }

  /** A database with one user in it, which the refused connections below never get to read. */
  private static String databaseWithOneUser() {
    String database = newDatabase();
    try (UserStore store = open(pg.url(database) + "?user=" + PostgresServer.USER);
        UserDatabase db = store.open()) {
      db.createUser(user("tls-bob"), NOW);
    }
    return database;
  }

  private static String newDatabase() {
    return PostgresServer.databaseName(pg.newDatabase());
  }

  private static String wrongCa(String database) {
    return url("localhost", database, "sslmode=verify-full&sslrootcert=" + unrelated.certificate());
  }

  private static String url(String host, String database, String parameters) {
    return "jdbc:postgresql://%s:%d/%s?user=%s&%s"
        .formatted(host, pg.port(), database, PostgresServer.USER, parameters);
  }

  private static NewUser user(String name) {
    return new NewUser(
        name, "$argon2id$hash-of-" + name, name, name + "@example.org", Set.of("user"));
  }
}
