package io.userdb.config;

import io.userdb.net.AddressBlocks;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * userdb's configuration, resolved once at start and immutable after. Each option can be given as a
 * flag ({@code --http-port}), an environment variable ({@code USERDB_HTTP_PORT}) or a key in a
 * properties file ({@code http-port=8080}); a flag beats the environment, which beats the file,
 * which beats the default. Unknown keys in the file and bad values fail loudly.
 *
 * <p>Each option is declared once, in {@link Options}; its component here has the option's name in
 * camel case unless the option says otherwise. {@code db} is a store location: a file's path.
 */
public record ServiceConfig(
    String db,
    long dbMaxBytes,
    String dbPassword,
    String httpAddress,
    int httpPort,
    String ajpAddress,
    int ajpPort,
    String ajpSecret,
    String fastcgiAddress,
    int fastcgiPort,
    String fastcgiAllow,
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
    String jvmRoute,
    Duration auditRetention,
    String auditLog) {

  public static final String ENV_PREFIX = "USERDB_";

  /**
   * The database password, by environment only: never on a command line, where any local user can
   * read it.
   */
  public static final String DB_PASSWORD_ENV = "USERDB_DB_PASSWORD";

  /** Apache's mod_proxy_ajp refuses a secret of 64 characters or more. */
  static final int MAX_AJP_SECRET = 63;

  /** 32 characters of a base64-like alphabet: about 190 bits, out of reach of guessing. */
  static final int MIN_AJP_SECRET = 32;

  /** User listings at once by default: half the cores, so listings cannot take every core. */
  public static final int DEFAULT_LISTINGS_AT_ONCE =
      Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  /**
   * Resolves the configuration.
   *
   * @param flags options given on the command line, by name without dashes
   * @param env the process environment
   * @param configFile a properties file, or null
   */
  public static ServiceConfig load(
      Map<String, String> flags, Map<String, String> env, Path configFile) {
    Map<String, String> given = new HashMap<>();
    if (configFile != null) {
      given.putAll(readFile(configFile));
    }
    for (Option<?> option : Options.ALL) {
      String value = env.get(option.envName());
      if (value != null) {
        given.put(option.name(), value);
      }
    }
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      if (Options.named(flag.getKey()) == null) {
        throw new ConfigException("unknown option --" + flag.getKey());
      }
      given.put(flag.getKey(), flag.getValue());
    }
    Map<String, Object> fields = new HashMap<>();
    for (Option<?> option : Options.ALL) {
      fields.put(option.field(), option.resolve(given.get(option.name())));
    }
    // ajp-secret-file has no component of its own: it is another way to give ajpSecret.
    fields.put(
        "ajpSecret",
        ajpSecret((String) fields.get("ajpSecret"), (String) fields.remove("ajpSecretFile")));
    // db-password-file fills dbPassword with a path; the password is what the file (or the
    // environment) holds.
    fields.put(
        "dbPassword", dbPassword(env.get(DB_PASSWORD_ENV), (String) fields.get("dbPassword")));
    ServiceConfig config = construct(fields);
    config.validate();
    return config;
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
      if (Options.named(key) == null) {
        throw new ConfigException("unknown key '" + key + "' in config file " + file);
      }
      values.put(key, properties.getProperty(key));
    }
    return values;
  }

  /**
   * The record from its components' values by name, so that adding an option takes its entry in
   * {@link Options} and its component here, nothing more. A component no option fills, or an option
   * with no component, is a programming error, caught by any test that loads a config.
   */
  private static ServiceConfig construct(Map<String, Object> fields) {
    RecordComponent[] components = ServiceConfig.class.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      String name = components[i].getName();
      if (!fields.containsKey(name)) {
        throw new IllegalStateException("no option fills ServiceConfig." + name);
      }
      types[i] = components[i].getType();
      values[i] = fields.remove(name);
    }
    if (!fields.isEmpty()) {
      throw new IllegalStateException(
          "options without a ServiceConfig component: " + fields.keySet());
    }
    try {
      return ServiceConfig.class.getDeclaredConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build ServiceConfig from its options", e);
    }
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
        throw new ConfigException(
            "cannot read ajp-secret-file " + file.trim() + ": " + e.getMessage());
      }
    }
    if (secret == null) {
      return null;
    }
    String name = file != null ? "the secret in ajp-secret-file" : "ajp-secret";
    if (secret.isBlank()) {
      throw new ConfigException(
          name + " is empty: give a real secret, or none to use the generated one");
    }
    if (secret.length() < MIN_AJP_SECRET) {
      throw new ConfigException(
          name
              + " is shorter than "
              + MIN_AJP_SECRET
              + " characters; generate one with: head -c 32 /dev/urandom | base64");
    }
    if (secret.length() > MAX_AJP_SECRET) {
      throw new ConfigException(
          name + " is longer than " + MAX_AJP_SECRET + " characters, which mod_proxy_ajp refuses");
    }
    return secret;
  }

  /**
   * The database password from the environment or read from a file, never both; null if neither.
   */
  private static String dbPassword(String given, String file) {
    if (given != null && file != null) {
      throw new ConfigException("give " + DB_PASSWORD_ENV + " or db-password-file, not both");
    }
    if (file == null) {
      return given;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException("cannot read db-password-file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Rules across options, and those needing more than the value; an option's own are in {@link
   * Options}.
   */
  private void validate() {
    checkAddress("http-address", httpAddress);
    checkAddress("ajp-address", ajpAddress);
    checkAddress("fastcgi-address", fastcgiAddress);
    try {
      AddressBlocks.parse(fastcgiAllow);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("fastcgi-allow: " + e.getMessage());
    }
    if (requireProxyUser && !trustProxyUser) {
      throw new ConfigException(
          "require-proxy-user needs trust-proxy-user: only then is Apache's user taken");
    }
    if (httpPort == -1 && ajpPort == -1) {
      throw new ConfigException("http-port and ajp-port are both -1: nothing would listen");
    }
    if (poolMinIdle > poolMaxTotal) {
      throw new ConfigException(
          "pool-min-idle must be between 0 and pool-max-total (" + poolMaxTotal + ")");
    }
  }

  /**
   * An address must parse or resolve here: Tomcat leaves an address it cannot resolve unset, which
   * binds every interface.
   */
  private static void checkAddress(String name, String address) {
    try {
      InetAddress.getByName(address);
    } catch (UnknownHostException | SecurityException e) {
      throw new ConfigException(
          name + " '" + address + "' is not an address or a name that resolves here");
    }
  }

  /** Every component by name, a secret one masked: the printed config may be logged. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "ServiceConfig[", "]");
    for (RecordComponent component : ServiceConfig.class.getRecordComponents()) {
      Object value;
      try {
        value = component.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      boolean secret =
          Options.ALL.stream().anyMatch(o -> o.secret() && o.field().equals(component.getName()));
      out.add(component.getName() + "=" + (secret && value != null ? "****" : value));
    }
    return out.toString();
  }
}
