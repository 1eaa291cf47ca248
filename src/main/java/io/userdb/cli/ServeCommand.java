package io.userdb.cli;

import io.userdb.UserdbService;
import io.userdb.config.ServiceConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code userdb serve}: runs the service until SIGTERM or Ctrl-C, then stops gracefully and
 * exits 0. Option values stay strings here: {@link ServiceConfig} merges them with the
 * environment and the config file and validates the result in one place.
 */
@Command(
    name = "serve",
    description = "Run the service (the default command).",
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with options (key = option name).")
  Path configFile;

  @Option(names = "--db", paramLabel = "PATH", description = "SQLite database file (default data/userdb.db).")
  String db;

  @Option(names = "--db-max-size", paramLabel = "SIZE",
      description = "Most the database file may grow to, e.g. 512MB; writes past it get 507 (default 0: no limit).")
  String dbMaxSize;

  @Option(names = "--http-address", paramLabel = "ADDR", description = "HTTP address (default 127.0.0.1).")
  String httpAddress;

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port; 0 any free, -1 none (default 8080).")
  String httpPort;

  @Option(names = "--ajp-address", paramLabel = "ADDR", description = "AJP address (default 127.0.0.1).")
  String ajpAddress;

  @Option(names = "--ajp-port", paramLabel = "PORT", description = "AJP port; 0 any free, -1 none (default 8009).")
  String ajpPort;

  @Option(names = "--ajp-secret", paramLabel = "SECRET",
      description = "AJP shared secret, 32 to 63 characters; prefer --ajp-secret-file or USERDB_AJP_SECRET,"
          + " as any local user can read a command line (default: generated into ajp-secret beside the database).")
  String ajpSecret;

  @Option(names = "--ajp-secret-file", paramLabel = "FILE",
      description = "File holding the AJP shared secret (instead of --ajp-secret).")
  String ajpSecretFile;

  @Option(names = "--pool-max-total", paramLabel = "N", description = "Database objects at most (default 8).")
  String poolMaxTotal;

  @Option(names = "--pool-min-idle", paramLabel = "N", description = "Database objects kept open (default 1).")
  String poolMinIdle;

  @Option(names = "--pool-max-wait", paramLabel = "DURATION", description = "Wait for a free object before 503 (default 2s).")
  String poolMaxWait;

  @Option(names = "--change-check-interval", paramLabel = "DURATION",
      description = "How soon a change made by another process (the CLI, a second backend) reaches"
          + " sessions and credentials cached here; 0ms checks on every request (default 10ms).")
  String changeCheckInterval;

  @Option(names = "--default-user", paramLabel = "NAME",
      description = "Name anonymous requests act as, with role guest; empty for none (default guest).")
  String defaultUser;

  @Option(names = "--trust-proxy-user", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "Take the user Apache authenticated (REMOTE_USER over AJP) (default false).")
  String trustProxyUser;

  @Option(names = "--require-proxy-user", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "Refuse every request but /health that Apache did not authenticate; needs --trust-proxy-user"
          + " (default false).")
  String requireProxyUser;

  @Option(names = "--trusted-proxies", paramLabel = "LIST",
      description = "Addresses or CIDR blocks of proxies in front of Apache whose X-Forwarded-For names the client,"
          + " for the per-address limit, read as mod_remoteip does (default: none; the peer Apache saw counts).")
  String trustedProxies;

  @Option(names = "--session-idle-timeout", paramLabel = "DURATION", description = "Default 30m.")
  String sessionIdleTimeout;

  @Option(names = "--session-max-age", paramLabel = "DURATION", description = "Default 12h.")
  String sessionMaxAge;

  @Option(names = "--login-failures-per-address", paramLabel = "N",
      description = "Failed sign-ins from one client address before it must wait (default 20).")
  String loginFailuresPerAddress;

  @Option(names = "--max-threads", paramLabel = "N", description = "Request threads per connector (default 200).")
  String maxThreads;

  @Option(names = "--max-concurrent-listings", paramLabel = "N",
      description = "User listings that may run at once; the rest wait their turn (default: half the cores, at least 1).")
  String maxConcurrentListings;

  @Option(names = "--jvm-route", paramLabel = "NAME",
      description = "This backend's name in an Apache balancer (its BalancerMember route=).")
  String jvmRoute;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> env = System.getenv();
    ServiceConfig config = ServiceConfig.load(givenFlags(), env, configFile);
    CountDownLatch stop = new CountDownLatch(1);
    // Handle the signals ourselves so that a requested stop ends with exit code 0, not 143.
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    try (UserdbService service = UserdbService.start(config, env, System.out)) {
      stop.await();
      System.out.println("userdb: stopping");
    }
    System.out.println("userdb: stopped");
    return 0;
  }

  /** The options given on the command line, by name without dashes (--config aside). */
  private Map<String, String> givenFlags() {
    Map<String, String> flags = new HashMap<>();
    for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
      String name = option.longestName().substring(2);
      if (ServiceConfig.optionNames().contains(name)) {
        flags.put(name, option.getValue());
      }
    }
    return flags;
  }
}
