package io.userdb;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.userdb.api.ApiContext;
import io.userdb.api.ApiRoutes;
import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditLogFile;
import io.userdb.audit.AuditOrigin;
import io.userdb.auth.AccountService;
import io.userdb.auth.Authenticator;
import io.userdb.auth.BasicCredentialCache;
import io.userdb.auth.ClientAddresses;
import io.userdb.auth.LockoutPolicy;
import io.userdb.auth.LoginService;
import io.userdb.auth.PasswordHasher;
import io.userdb.auth.SessionService;
import io.userdb.config.ConfigException;
import io.userdb.config.ServiceConfig;
import io.userdb.console.ConsoleServlet;
import io.userdb.db.CostlyQueries;
import io.userdb.db.DatabaseException;
import io.userdb.db.PoolSettings;
import io.userdb.db.StoreSettings;
import io.userdb.db.StoreUnavailableException;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.UserStore;
import io.userdb.db.UserStores;
import io.userdb.failure.StartupException;
import io.userdb.fastcgi.FastCgiLimits;
import io.userdb.fastcgi.FastCgiServer;
import io.userdb.guard.Guard;
import io.userdb.net.AddressBlocks;
import io.userdb.server.TomcatSettings;
import io.userdb.server.UserdbServer;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * userdb assembled: the database file, the pool, the auth services and the embedded Tomcat, wired
 * from one {@link ServiceConfig}. {@link #start} returns once every connector listens.
 */
public final class UserdbService implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(UserdbService.class.getName());
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private static final Duration SESSION_SWEEP = Duration.ofMinutes(10);
  private static final Duration STORE_RETRY = Duration.ofSeconds(1);
  private static final Duration STORE_WAIT_REPORT = Duration.ofSeconds(10);

  /** Where the generated AJP secret lives when the store keeps no folder on this host. */
  private static final Path DATA_FOLDER = Path.of("data");

  private final UserStore store;
  private final UserDatabasePool pool;
  private final UserdbServer server;
  private final ScheduledExecutorService housekeeping;
  private final AuditUpkeep auditUpkeep;
  private final AuditLogFile auditLog;
  private final FastCgiServer guard; // null when --fastcgi-port is -1
  private final ServiceConfig config;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UserdbService(
      ServiceConfig config,
      UserStore store,
      UserDatabasePool pool,
      UserdbServer server,
      ScheduledExecutorService housekeeping,
      AuditUpkeep auditUpkeep,
      AuditLogFile auditLog,
      FastCgiServer guard) {
    this.auditLog = auditLog;
    this.guard = guard;
    this.config = config;
    this.auditUpkeep = auditUpkeep;
    this.store = store;
    this.pool = pool;
    this.server = server;
    this.housekeeping = housekeeping;
  }

  /**
   * Opens the first objects, waiting for a store whose server is not up yet (a compose stack or a
   * systemd unit may start userdb first), with one log line per interval saying why. A store that
   * refuses (wrong password, missing database) stops the start at once.
   */
  private static void warmUpWhenReachable(UserDatabasePool pool, UserStore store) {
    long lastReport = System.nanoTime() - STORE_WAIT_REPORT.toNanos();
    while (true) {
      try {
        pool.warmUp();
        return;
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() - lastReport >= STORE_WAIT_REPORT.toNanos()) {
          LOG.warning(
              "waiting for the "
                  + store
                  + " (retrying every "
                  + STORE_RETRY.toSeconds()
                  + " s): "
                  + e.getMessage());
          lastReport = System.nanoTime();
        }
        try {
          Thread.sleep(STORE_RETRY.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The store the service runs on, created if missing: only {@code serve} creates one. */
  public static StoreSettings storeSettings(ServiceConfig config) {
    return StoreSettings.existing(config.db())
        .withMaxBytes(config.dbMaxBytes())
        .withPassword(config.dbPassword())
        .creatingIt();
  }

  /**
   * Opens the database, makes sure an admin exists, and starts listening.
   *
   * @param console where the one-time admin password and the listening lines are printed
   */
  public static UserdbService start(
      ServiceConfig config, Map<String, String> env, PrintStream console) {
    ClientAddresses clientAddresses =
        trustedProxies(config); // a bad list stops the start before anything opens
    UserStore store = UserStores.open(storeSettings(config));
    AuditLogFile auditLog;
    try {
      auditLog = AuditUpkeep.openLog(config.auditLog(), store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    String ajpSecret =
        config.ajpPort() >= 0
            ? AjpSecrets.resolve(config.ajpSecret(), store.localFolder().orElse(DATA_FOLDER))
            : null;
    Clock clock = Clock.systemUTC();
    AuditCoalescer coalescer = new AuditCoalescer(clock);
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    UserDatabasePool pool =
        new UserDatabasePool(
            store,
            PoolSettings.builder()
                .maxTotal(config.poolMaxTotal())
                .minIdle(config.poolMinIdle())
                .maxWait(config.poolMaxWait())
                .changeCheckInterval(config.changeCheckInterval())
                .build(),
            metrics);
    try {
      warmUpWhenReachable(pool, store);
      PasswordHasher hasher = new PasswordHasher();
      BasicCredentialCache credentialCache = new BasicCredentialCache(clock);
      LoginService logins =
          new LoginService(
              hasher,
              LockoutPolicy.DEFAULT,
              LockoutPolicy.perAddress(config.loginFailuresPerAddress()),
              clock,
              metrics,
              coalescer);
      SessionService sessions =
          new SessionService(config.sessionIdleTimeout(), config.sessionMaxAge(), clock, metrics);
      AccountService accounts = new AccountService(hasher, credentialCache, logins, clock);
      Authenticator authenticator =
          new Authenticator(
              sessions,
              logins,
              credentialCache,
              config.trustProxyUser(),
              config.defaultUser(),
              config.jvmRoute());
      AuditOrigin self = AuditOrigin.system(config.jvmRoute());
      try (UserDatabasePool.Access access = pool.access()) {
        AdminBootstrap.ensureAdmin(access, accounts, env, console, self);
      }
      CostlyQueries costlyQueries =
          new CostlyQueries(config.maxConcurrentListings(), config.poolMaxWait(), metrics);
      ApiContext ctx =
          new ApiContext(
              pool,
              costlyQueries,
              authenticator,
              sessions,
              logins,
              accounts,
              metrics,
              clientAddresses,
              config.jvmRoute(),
              coalescer);
      UserdbServer server =
          new UserdbServer(
              new TomcatSettings(
                  config.httpAddress(),
                  config.httpPort(),
                  config.ajpAddress(),
                  config.ajpPort(),
                  ajpSecret,
                  config.trustProxyUser(),
                  config.requireProxyUser(),
                  config.maxThreads(),
                  config.jvmRoute()),
              routes(ctx),
              metrics);
      AuditUpkeep auditUpkeep =
          new AuditUpkeep(pool, coalescer, clock, config.auditRetention(), self);
      server.onRefusedAjp(auditUpkeep::refusedAjp);
      server.start();
      FastCgiServer guard;
      try {
        guard =
            startGuard(
                config,
                new Guard(
                    pool,
                    authenticator,
                    clientAddresses,
                    coalescer,
                    config.defaultUser(),
                    config.jvmRoute()));
      } catch (RuntimeException e) {
        server.stop(Duration.ZERO);
        throw e;
      }
      ScheduledExecutorService housekeeping = sweepSessions(pool, sessions, logins, self);
      auditUpkeep.schedule(housekeeping);
      UserdbService service =
          new UserdbService(
              config, store, pool, server, housekeeping, auditUpkeep, auditLog, guard);
      service.record(AuditAction.SERVICE_STARTED, service.ports());
      service.printListening(console);
      return service;
    } catch (RuntimeException e) {
      pool.close();
      store.close();
      AuditUpkeep.closeLog(auditLog);
      throw e;
    }
  }

  /**
   * The FastCGI authorizer, when a port is given. A peer beyond loopback must be in {@code
   * --fastcgi-allow}: FastCGI carries no credentials, so whoever reaches the port can ask whose a
   * cookie is.
   */
  private static FastCgiServer startGuard(ServiceConfig config, Guard guard) {
    if (config.fastcgiPort() < 0) {
      return null;
    }
    AddressBlocks allowed = AddressBlocks.parse(config.fastcgiAllow());
    try {
      return FastCgiServer.start(
          InetAddress.getByName(config.fastcgiAddress()),
          config.fastcgiPort(),
          guard,
          FastCgiLimits.DEFAULT,
          peer -> peer.isLoopbackAddress() || allowed.contains(peer));
    } catch (IOException e) {
      throw new StartupException(
          "cannot listen for FastCGI on "
              + config.fastcgiAddress()
              + ":"
              + config.fastcgiPort()
              + ": "
              + e.getMessage());
    }
  }

  /** The whole URL space: the API's routes and the console's. */
  private static Map<String, HttpServlet> routes(ApiContext ctx) {
    Map<String, HttpServlet> routes = new LinkedHashMap<>(ApiRoutes.servlets(ctx));
    routes.putAll(ConsoleServlet.routes());
    return routes;
  }

  private static ClientAddresses trustedProxies(ServiceConfig config) {
    try {
      return ClientAddresses.trusting(config.trustedProxies());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("trusted-proxies: " + e.getMessage());
    }
  }

  private static ScheduledExecutorService sweepSessions(
      UserDatabasePool pool, SessionService sessions, LoginService logins, AuditOrigin self) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "userdb-session-sweeper");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        () -> {
          try (UserDatabasePool.Lease lease = pool.borrow()) {
            int removed = sessions.deleteExpired(lease.db(), self);
            int limits = logins.deleteStaleLimits(lease.db());
            if (removed + limits > 0) {
              LOG.fine(
                  "removed "
                      + removed
                      + " expired sessions and "
                      + limits
                      + " stale sign-in limits");
            }
          } catch (DatabaseException e) {
            LOG.warning("could not remove expired sessions: " + e.getMessage());
          }
        },
        SESSION_SWEEP.toSeconds(),
        SESSION_SWEEP.toSeconds(),
        TimeUnit.SECONDS);
    return executor;
  }

  private void printListening(PrintStream console) {
    if (server.httpPort() >= 0) {
      console.println(
          "userdb: http listening on " + server.httpAddress() + ":" + server.httpPort());
    }
    if (server.ajpPort() >= 0) {
      console.println("userdb: ajp listening on " + server.ajpAddress() + ":" + server.ajpPort());
    }
    if (guard != null) {
      console.println(
          "userdb: fastcgi listening on " + guard.address().getHostAddress() + ":" + guard.port());
    }
    console.flush();
  }

  /**
   * Records the service starting or stopping. A store that cannot take it is logged, not fatal: a
   * stop must go on, and a start has just shown the store works.
   */
  private void record(AuditAction action, Map<String, Integer> ports) {
    try (UserDatabasePool.Access access = pool.access()) {
      AuditEvent event =
          AuditEvent.success(action, AuditOrigin.system(config.jvmRoute()), null, null);
      for (Map.Entry<String, Integer> port : ports.entrySet()) {
        event = event.with(port.getKey(), port.getValue());
      }
      access.db().appendAudit(event, java.time.Instant.now());
    } catch (DatabaseException e) {
      LOG.warning("could not record " + action.id() + " in the audit log: " + e.getMessage());
    }
  }

  public int httpPort() {
    return server.httpPort();
  }

  /** The FastCGI authorizer's port, or -1 when it is off. */
  public int fastcgiPort() {
    return guard == null ? -1 : guard.port();
  }

  /** The ports served, by the audit record's names; the authorizer's only when it listens. */
  private Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("http_port", server.httpPort());
    ports.put("ajp_port", server.ajpPort());
    if (guard != null) {
      ports.put("fastcgi_port", guard.port());
    }
    return ports;
  }

  public int ajpPort() {
    return server.ajpPort();
  }

  public UserDatabasePool pool() {
    return pool;
  }

  /** Graceful stop: no new requests, in-flight ones finish, every connection closed. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    housekeeping.shutdownNow();
    Map<String, Integer> ports = ports(); // the ports served: after the stop they are gone
    if (guard != null) {
      guard.stop(SHUTDOWN_GRACE);
    }
    server.stop(SHUTDOWN_GRACE);
    auditUpkeep.drain();
    record(AuditAction.SERVICE_STOPPED, ports);
    pool.close();
    store.close();
    AuditUpkeep.closeLog(auditLog);
  }
}
