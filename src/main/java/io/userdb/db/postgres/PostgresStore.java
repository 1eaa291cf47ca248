package io.userdb.db.postgres;

import io.userdb.audit.AuditFeed;
import io.userdb.db.ChangeTracker;
import io.userdb.db.DatabaseException;
import io.userdb.db.StoreNotFoundException;
import io.userdb.db.StoreSettings;
import io.userdb.db.StoreUnavailableException;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStore;
import io.userdb.db.jdbc.Connections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;

/**
 * A PostgreSQL database as a {@link UserStore}, through pgjdbc: every object owns one connection,
 * opened from the URL as given (several hosts, TLS and pgjdbc's parameters included) with the
 * password from the settings, never from the URL. The schema is migrated by the first object.
 */
final class PostgresStore implements UserStore {

  /**
   * Unless the URL says otherwise: a server that does not answer is reported, not waited on. After
   * a failover every new connection tries the dead primary's address first, so this is most of how
   * long writes wait for the promoted one; 2 s still outlasts a lost SYN's first retransmit.
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Beyond the lock wait, how long a statement may take before its socket read gives up. */
  private static final Duration SOCKET_TIMEOUT_MARGIN = Duration.ofSeconds(20);

  private final String url;
  private final StoreSettings settings;
  private final ChangeTracker changes = new ChangeTracker();

  /** Marks this process's notifications, so its listener skips what it counted at commit. */
  private final String self = UUID.randomUUID().toString();

  private volatile boolean migrated;
  private volatile AuditFeed auditFeed = AuditFeed.NONE;
  private volatile PgChangeListener listener;
  private boolean closed;

  PostgresStore(StoreSettings settings) {
    this.url = settings.location().trim();
    this.settings = settings;
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.contains("password=")) {
      throw new DatabaseException(
          "the database URL carries a password: give it in USERDB_DB_PASSWORD or"
              + " --db-password-file instead, where other users cannot read it");
    }
    if (settings.maxBytes() > 0) {
      throw new DatabaseException(
          "db-max-size applies to a SQLite file only; a PostgreSQL server keeps its own"
              + " limits");
    }
  }

  @Override
  public UserDatabase open() {
    Connection connection = connect();
    try {
      if (!migrated) {
        PostgresSchema.migrate(connection);
        migrated = true;
      }
      return PostgresUserDatabase.on(connection, changes, this::listener, self, auditFeed);
    } catch (SQLException e) {
      Connections.closeQuietly(connection);
      throw new DatabaseException("cannot use " + this + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      Connections.closeQuietly(connection);
      throw e;
    }
  }

  /** Started when a version is first asked for: the admin commands never listen. */
  @Override
  public void feedAuditTo(AuditFeed feed) {
    auditFeed = feed;
  }

  private PgChangeListener listener() {
    PgChangeListener started = listener;
    if (started != null) {
      return started; // without a monitor: every look that misses the cache asks
    }
    synchronized (this) {
      if (closed) {
        throw new DatabaseException(this + " is closed");
      }
      if (listener == null) {
        listener = new PgChangeListener(() -> connect("userdb-listener"), changes, self);
      }
      return listener;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (listener != null) {
      listener.close();
    }
  }

  private Connection connect() {
    return connect("userdb");
  }

  private Connection connect(String applicationName) {
    // Defaults only: pgjdbc lets the URL's own parameters override these.
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", applicationName);
    properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
    properties.setProperty(
        "socketTimeout",
        Long.toString(settings.lockWait().plus(SOCKET_TIMEOUT_MARGIN).toSeconds()));
    properties.setProperty("tcpKeepAlive", "true");
    // Sessions, lockout counters and writes belong on the primary: of several hosts, a standby is
    // never taken instead, and after a failover the promoted one is found by itself.
    properties.setProperty("targetServerType", "primary");
    if (settings.password() != null) {
      properties.setProperty("password", settings.password());
    }
    Connection connection = null;
    try {
      connection = new org.postgresql.Driver().connect(url, properties);
      if (connection == null) {
        throw new DatabaseException("pgjdbc does not take the URL " + settings.redactedLocation());
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET lock_timeout = " + settings.lockWait().toMillis());
      }
      return connection;
    } catch (SQLException e) {
      Connections.closeQuietly(connection);
      if (PgErrors.isMissingDatabase(e)) {
        throw new StoreNotFoundException(
            "no database at " + this + " (create it first: see the README)");
      }
      if (PgErrors.isUnreachable(e)) {
        throw new StoreUnavailableException("cannot reach " + this + ": " + e.getMessage(), e);
      }
      throw new DatabaseException("cannot connect to " + this + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ChangeTracker changes() {
    return changes;
  }

  /** The listener answers without a pooled object: requests do not queue for one to ask. */
  @Override
  public OptionalLong lookForChanges(Duration freshness) {
    return OptionalLong.of(listener().look(freshness));
  }

  @Override
  public void backupTo(Path target) {
    throw new DatabaseException(
        "a PostgreSQL store is backed up with PostgreSQL's own tools, e.g."
            + " pg_dump --format=custom --file="
            + target
            + " DBNAME (see the README)");
  }

  @Override
  public Optional<Path> localFolder() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "PostgreSQL database " + settings.redactedLocation();
  }
}
