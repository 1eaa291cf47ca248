package io.userdb.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * userdb's configuration, resolved once at start and immutable after. Each option can be given
 * as a flag ({@code --http-port}), an environment variable ({@code USERDB_HTTP_PORT}) or a key
 * in a properties file ({@code http-port=8080}); a flag beats the environment, which beats the
 * file, which beats the default. Unknown keys in the file and bad values fail loudly.
 */
public record ServiceConfig(
    Path db,
    long dbMaxBytes,
    String httpAddress,
    int httpPort,
    String ajpAddress,
    int ajpPort,
    String ajpSecret,
    int poolMaxTotal,
    int poolMinIdle,
    Duration poolMaxWait,
    Duration changeCheckInterval,
    String defaultUser,
    boolean trustProxyUser,
    boolean requireProxyUser,
    String trustedProxies,
    Duration sessionIdleTimeout,
    Duration sessionMaxAge,
    int loginFailuresPerAddress,
    int maxThreads,
    int maxConcurrentListings,
    String jvmRoute) {

  public static final String ENV_PREFIX = "USERDB_";
  /** Apache's mod_proxy_ajp refuses a secret of 64 characters or more. */
  static final int MAX_AJP_SECRET = 63;
  /** 32 characters of a base64-like alphabet: about 190 bits, out of reach of guessing. */
  static final int MIN_AJP_SECRET = 32;
  /** User listings at once by default: half the cores, so listings cannot take every core. */
  public static final int DEFAULT_LISTINGS_AT_ONCE = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  /** Option names (flags without the dashes) and their defaults; null means "none". */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("db", "data/userdb.db");
    d.put("db-max-size", "0");
    d.put("http-address", "127.0.0.1");
    d.put("http-port", "8080");
    d.put("ajp-address", "127.0.0.1");
    d.put("ajp-port", "8009");
    d.put("ajp-secret", null);
    d.put("ajp-secret-file", null);
    d.put("pool-max-total", "8");
    d.put("pool-min-idle", "1");
    d.put("pool-max-wait", "2s");
    d.put("change-check-interval", "10ms");
    d.put("default-user", "guest");
    d.put("trust-proxy-user", "false");
    d.put("require-proxy-user", "false");
    d.put("trusted-proxies", "");
    d.put("session-idle-timeout", "30m");
    d.put("session-max-age", "12h");
    d.put("login-failures-per-address", "20");
    d.put("max-threads", "200");
    d.put("max-concurrent-listings", Integer.toString(DEFAULT_LISTINGS_AT_ONCE));
    d.put("jvm-route", "");
    return java.util.Collections.unmodifiableMap(d);
  }

  public static Set<String> optionNames() {
    return DEFAULTS.keySet();
  }

  /**
   * Resolves the configuration.
   *
   * @param flags options given on the command line, by name without dashes
   * @param env the process environment
   * @param configFile a properties file, or null
   */
  public static ServiceConfig load(Map<String, String> flags, Map<String, String> env, Path configFile) {
    Map<String, String> merged = new HashMap<>(DEFAULTS);
    if (configFile != null) {
      merged.putAll(readFile(configFile));
    }
    for (String name : DEFAULTS.keySet()) {
      String value = env.get(envName(name));
      if (value != null) {
        merged.put(name, value);
      }
    }
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      if (!DEFAULTS.containsKey(flag.getKey())) {
        throw new ConfigException("unknown option --" + flag.getKey());
      }
      merged.put(flag.getKey(), flag.getValue());
    }
    return fromMap(merged);
  }

  public static String envName(String option) {
    return ENV_PREFIX + option.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new ConfigException("unknown key '" + key + "' in config file " + file);
      }
      values.put(key, properties.getProperty(key).trim());
    }
    return values;
  }

  private static ServiceConfig fromMap(Map<String, String> v) {
    String secret = ajpSecret(v.get("ajp-secret"), v.get("ajp-secret-file"));
    ServiceConfig config =
        new ServiceConfig(
            Path.of(required(v, "db")),
            parse(v, "db-max-size", ByteSizes::parse),
            required(v, "http-address"),
            parse(v, "http-port", Integer::parseInt),
            required(v, "ajp-address"),
            parse(v, "ajp-port", Integer::parseInt),
            secret,
            parse(v, "pool-max-total", Integer::parseInt),
            parse(v, "pool-min-idle", Integer::parseInt),
            parse(v, "pool-max-wait", Durations::parse),
            parse(v, "change-check-interval", Durations::parse),
            v.get("default-user") == null ? "" : v.get("default-user").trim(),
            parse(v, "trust-proxy-user", ServiceConfig::parseBoolean),
            parse(v, "require-proxy-user", ServiceConfig::parseBoolean),
            v.get("trusted-proxies") == null ? "" : v.get("trusted-proxies").trim(),
            parse(v, "session-idle-timeout", Durations::parse),
            parse(v, "session-max-age", Durations::parse),
            parse(v, "login-failures-per-address", Integer::parseInt),
            parse(v, "max-threads", Integer::parseInt),
            parse(v, "max-concurrent-listings", Integer::parseInt),
            v.get("jvm-route") == null ? "" : v.get("jvm-route").trim());
    config.validate();
    return config;
  }

  /**
   * The secret given directly (flag, environment, config file) or read from a file, never both.
   * Length is checked here, so a guessable secret stops the start instead of guarding AJP.
   */
  private static String ajpSecret(String given, String file) {
    if (given != null && file != null) {
      throw new ConfigException("give ajp-secret or ajp-secret-file, not both");
    }
    String secret = given;
    if (file != null) {
      try {
        secret = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigException("cannot read ajp-secret-file " + file.trim() + ": " + e.getMessage());
      }
    }
    if (secret == null) {
      return null;
    }
    String name = file != null ? "the secret in ajp-secret-file" : "ajp-secret";
    if (secret.isBlank()) {
      throw new ConfigException(name + " is empty: give a real secret, or none to use the generated one");
    }
    if (secret.length() < MIN_AJP_SECRET) {
      throw new ConfigException(name + " is shorter than " + MIN_AJP_SECRET
          + " characters; generate one with: head -c 32 /dev/urandom | base64");
    }
    if (secret.length() > MAX_AJP_SECRET) {
      throw new ConfigException(name + " is longer than " + MAX_AJP_SECRET + " characters, which mod_proxy_ajp refuses");
    }
    return secret;
  }

  /** Cross-field and range rules, checked once. */
  private void validate() {
    checkAddress("http-address", httpAddress);
    checkAddress("ajp-address", ajpAddress);
    if (requireProxyUser && !trustProxyUser) {
      throw new ConfigException("require-proxy-user needs trust-proxy-user: only then is Apache's user taken");
    }
    checkPort("http-port", httpPort);
    checkPort("ajp-port", ajpPort);
    if (httpPort == -1 && ajpPort == -1) {
      throw new ConfigException("http-port and ajp-port are both -1: nothing would listen");
    }
    if (poolMaxTotal < 1) {
      throw new ConfigException("pool-max-total must be at least 1, not " + poolMaxTotal);
    }
    if (poolMinIdle < 0 || poolMinIdle > poolMaxTotal) {
      throw new ConfigException("pool-min-idle must be between 0 and pool-max-total (" + poolMaxTotal + ")");
    }
    if (poolMaxWait.isZero() || poolMaxWait.isNegative()) {
      throw new ConfigException("pool-max-wait must be longer than 0");
    }
    if (sessionIdleTimeout.isZero() || sessionMaxAge.isZero()) {
      throw new ConfigException("session-idle-timeout and session-max-age must be longer than 0");
    }
    if (loginFailuresPerAddress < 1) {
      throw new ConfigException("login-failures-per-address must be at least 1, not " + loginFailuresPerAddress);
    }
    if (maxThreads < 1) {
      throw new ConfigException("max-threads must be at least 1, not " + maxThreads);
    }
    if (maxConcurrentListings < 1) {
      throw new ConfigException("max-concurrent-listings must be at least 1, not " + maxConcurrentListings);
    }
    if (!jvmRoute.matches("[A-Za-z0-9._-]{0,64}")) {
      throw new ConfigException("jvm-route must be up to 64 of A-Z a-z 0-9 . _ -");
    }
    if (!defaultUser.isEmpty() && !defaultUser.matches("[A-Za-z0-9._@-]{1,64}")) {
      throw new ConfigException("default-user '" + defaultUser + "' is not a valid username");
    }
  }

  /**
   * An address must parse or resolve here: Tomcat leaves an address it cannot resolve unset,
   * which binds every interface.
   */
  private static void checkAddress(String name, String address) {
    try {
      InetAddress.getByName(address);
    } catch (UnknownHostException | SecurityException e) {
      throw new ConfigException(name + " '" + address + "' is not an address or a name that resolves here");
    }
  }

  private static void checkPort(String name, int port) {
    if (port < -1 || port > 65535) {
      throw new ConfigException(name + " must be -1 (off), 0 (any free port) or 1-65535, not " + port);
    }
  }

  private static String required(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      throw new ConfigException(name + " must not be empty");
    }
    return value.trim();
  }

  private static <T> T parse(Map<String, String> values, String name, Function<String, T> parser) {
    String value = required(values, name);
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      String detail = e instanceof NumberFormatException ? "'" + value + "' is not a whole number" : e.getMessage();
      throw new ConfigException("bad value for " + name + ": " + detail);
    }
  }

  private static boolean parseBoolean(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
    };
  }

  /** The AJP secret is never printed; everything else may be. */
  @Override
  public String toString() {
    return "ServiceConfig[db=" + db + ", http=" + httpAddress + ":" + httpPort + ", ajp="
        + ajpAddress + ":" + ajpPort + ", ajpSecret=" + (ajpSecret == null ? "generated" : "****")
        + ", pool=" + poolMinIdle + ".." + poolMaxTotal + " wait " + poolMaxWait + "]";
  }
}
