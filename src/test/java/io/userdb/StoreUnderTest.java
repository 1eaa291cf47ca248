package io.userdb;

import io.userdb.db.StoreSettings;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
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

  /**
   * The store on {@code sqliteFile} (or the database that stands for it), as the server makes it.
   */
  static UserStore create(Path sqliteFile) {
    return UserStores.open(
        StoreSettings.existing(location(sqliteFile))
            .creatingIt()
            .withPassword(isPostgres() ? PostgresServer.PASSWORD : null));
  }

  /**
   * The store on {@code sqliteFile} (or what stands for it) with room for about {@code bytes}, as a
   * disk that fills up: SQLite's quota, given as options to the server; on PostgreSQL a database on
   * a filesystem that small, in a cluster of its own.
   */
  static LittleRoom littleRoom(Path sqliteFile, long bytes) {
    if (!isPostgres()) {
      return new LittleRoom(new String[] {"db-max-size", Long.toString(bytes)}, () -> {}, null);
    }
    PostgresServer cluster = PostgresServer.startWithSmallDisk(bytes);
    DATABASES.put(sqliteFile.toAbsolutePath(), cluster.newDatabaseOnSmallDisk());
    return new LittleRoom(
        new String[0],
        () -> {
          try {
            cluster.growSmallDisk(64L << 20);
          } catch (Exception e) {
            throw new IllegalStateException("cannot grow the small disk: " + e, e);
          }
        },
        cluster);
  }

  /**
   * A store short of room: the server's {@code options} that make it so; {@code makeRoom} gives it
   * more where the store itself can grow (a server started without the options has no limit on
   * SQLite).
   */
  record LittleRoom(String[] options, Runnable makeRoom, PostgresServer cluster)
      implements AutoCloseable {
    @Override
    public void close() {
      if (cluster != null) {
        cluster.destroy();
      }
    }
  }

  /** What the server's environment needs for the store. */
  static Map<String, String> env() {
    return isPostgres() ? Map.of("USERDB_DB_PASSWORD", PostgresServer.PASSWORD) : Map.of();
  }
}
