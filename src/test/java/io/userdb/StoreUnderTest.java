package io.userdb;

import io.userdb.db.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store the in-JVM server tests ({@link TestServer}) run on: SQLite by default; PostgreSQL with
 * {@code -Duserdb.test.store=postgresql}, which the build's second failsafe run sets for the
 * whole-server tests that matter on both (pom.xml, execution {@code postgresql}).
 */
final class StoreUnderTest {

  private StoreUnderTest() {}

  static boolean isPostgres() {
    return "postgresql".equals(System.getProperty("userdb.test.store", "sqlite"));
  }

  /** One database on the test cluster per SQLite file a test names: a restart finds its data. */
  private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();

  /** {@code sqliteFile}, or the database on the test cluster that stands for it. */
  static String location(Path sqliteFile) {
    return isPostgres()
        ? DATABASES.computeIfAbsent(
            sqliteFile.toAbsolutePath(), file -> PostgresServer.shared().newDatabase())
        : sqliteFile.toString();
  }

  /** What the server's environment needs for the store. */
  static Map<String, String> env() {
    return isPostgres() ? Map.of("USERDB_DB_PASSWORD", PostgresServer.PASSWORD) : Map.of();
  }
}
