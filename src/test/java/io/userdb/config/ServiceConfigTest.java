package io.userdb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.cli.UserdbCommand;
import io.userdb.db.PoolSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

  @TempDir Path folder;

  @Test
  void defaults_are_the_embedded_setup_on_loopback() {
    ServiceConfig c = ServiceConfig.load(Map.of(), Map.of(), null);
    assertEquals("data/userdb.db", c.db());
    assertEquals("127.0.0.1", c.httpAddress());
    assertEquals(8080, c.httpPort());
    assertEquals("127.0.0.1", c.ajpAddress());
    assertEquals(8009, c.ajpPort());
    assertNull(c.ajpSecret(), "generated at start");
    assertEquals(8, c.poolMaxTotal());
    assertEquals(Duration.ofSeconds(2), c.poolMaxWait());
    assertEquals(PoolSettings.DEFAULT_CHANGE_CHECK_INTERVAL, c.changeCheckInterval());
    assertEquals(ServiceConfig.DEFAULT_LISTINGS_AT_ONCE, c.maxConcurrentListings());
    assertEquals("guest", c.defaultUser());
    assertFalse(c.trustProxyUser());
    assertEquals(Duration.ofMinutes(30), c.sessionIdleTimeout());
    assertEquals(Duration.ofHours(12), c.sessionMaxAge());
  }

  @Test
  void a_flag_beats_the_environment_which_beats_the_file() throws Exception {
    Path file = folder.resolve("userdb.properties");
    Files.writeString(file, "http-port=1111\najp-port=2222\npool-max-total=3\n");
    Map<String, String> env = Map.of("USERDB_AJP_PORT", "3333", "USERDB_POOL_MAX_TOTAL", "4");
    ServiceConfig c = ServiceConfig.load(Map.of("pool-max-total", "5"), env, file);
    assertEquals(1111, c.httpPort());
    assertEquals(3333, c.ajpPort());
    assertEquals(5, c.poolMaxTotal());
  }

  @Test
  void unknown_keys_and_bad_values_fail_naming_the_option() throws Exception {
    Path file = folder.resolve("bad.properties");
    Files.writeString(file, "htp-port=1\n");
    assertTrue(
        assertThrows(ConfigException.class, () -> ServiceConfig.load(Map.of(), Map.of(), file))
            .getMessage()
            .contains("htp-port"));
    String[][] bad = {
      {"http-port", "-2"},
      {"ajp-port", "x"},
      {"pool-max-total", "0"},
      {"pool-min-idle", "9"},
      {"pool-max-wait", "0s"},
      {"session-max-age", "12"},
      {"trust-proxy-user", "maybe"},
      {"default-user", "a b"},
      {"ajp-secret", ""},
      {"ajp-secret", "   "},
      {"ajp-secret", "x"},
      {"max-threads", "0"},
      {"max-concurrent-listings", "0"},
      {"http-address", "999.1.1.1"},
      {"ajp-address", "300.0.0.1"},
      {"http-address", "no-such-host.invalid"},
      {"require-proxy-user", "true"},
      {"audit-retention", "23h"},
      {"audit-retention", "1ms"}
    };
    for (String[] b : bad) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> ServiceConfig.load(Map.of(b[0], b[1]), Map.of(), null),
              b[0] + "=" + b[1]);
      assertTrue(e.getMessage().contains(b[0]), e.getMessage());
    }
  }

  @Test
  void an_empty_default_user_disables_it_and_ports_may_be_off_or_ephemeral() {
    ServiceConfig c =
        ServiceConfig.load(
            Map.of("default-user", "", "http-port", "0", "ajp-port", "-1"), Map.of(), null);
    assertEquals("", c.defaultUser());
    assertEquals(0, c.httpPort());
    assertEquals(-1, c.ajpPort());
    assertThrows(
        ConfigException.class,
        () -> ServiceConfig.load(Map.of("http-port", "-1", "ajp-port", "-1"), Map.of(), null));
  }

  @Test
  void the_secret_never_appears_in_the_printed_config() {
    ServiceConfig c =
        ServiceConfig.load(
            Map.of("ajp-secret", "very-secret-value-of-32-characters-at-least"), Map.of(), null);
    assertFalse(c.toString().contains("very-secret-value-of-32-characters-at-least"));
  }

  static final String DB_PASSWORD = "pg-password-7f3a";

  @Test
  void the_database_password_comes_from_the_environment_or_a_file_and_is_never_printed()
      throws Exception {
    ServiceConfig fromEnv =
        ServiceConfig.load(Map.of(), Map.of(ServiceConfig.DB_PASSWORD_ENV, DB_PASSWORD), null);
    assertEquals(DB_PASSWORD, fromEnv.dbPassword());
    assertFalse(fromEnv.toString().contains(DB_PASSWORD), fromEnv.toString());
    Path file = Files.writeString(folder.resolve("pw"), DB_PASSWORD + "\n");
    assertEquals(
        DB_PASSWORD,
        ServiceConfig.load(Map.of("db-password-file", file.toString()), Map.of(), null)
            .dbPassword());
    assertThrows(
        ConfigException.class,
        () ->
            ServiceConfig.load(
                Map.of("db-password-file", file.toString()),
                Map.of(ServiceConfig.DB_PASSWORD_ENV, DB_PASSWORD),
                null));
    assertThrows(
        ConfigException.class,
        () -> ServiceConfig.load(Map.of("db-password", DB_PASSWORD), Map.of(), null),
        "no option takes the password itself");
  }

  @Test
  void durations_read_as_people_write_them() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
    assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT5S"));
  }

  @Test
  void each_option_is_reachable_by_flag_env_and_file_from_its_one_declaration() throws Exception {
    Map<String, String> samples = samples();
    assertEquals(
        Options.ALL.stream().map(Option::name).toList(),
        List.copyOf(samples.keySet()),
        "a sample for every option, in the table's order");
    assertEquals(
        "USERDB_LOGIN_FAILURES_PER_ADDRESS", Options.named("login-failures-per-address").envName());
    for (Option<?> option : Options.ALL) {
      String name = option.name();
      Map<String, String> given = new HashMap<>(Map.of(name, samples.get(name)));
      if (name.equals("require-proxy-user")) {
        given.put("trust-proxy-user", "true"); // the cross-field rule
      }
      boolean fromFile = name.equals("ajp-secret-file") || name.equals("db-password-file");
      Object expected =
          name.equals("db-password-file")
              ? DB_PASSWORD
              : fromFile ? SECRET : option.resolve(samples.get(name));
      assertNotEquals(
          fromFile ? null : option.resolve(null), expected, name + "'s sample is its default");
      String field = name.equals("ajp-secret-file") ? "ajpSecret" : option.field();

      assertEquals(
          expected,
          component(ServiceConfig.load(given, Map.of(), null), field),
          "flag " + option.flag());
      Map<String, String> env =
          given.entrySet().stream()
              .collect(
                  Collectors.toMap(e -> ServiceConfig.envName(e.getKey()), Map.Entry::getValue));
      assertEquals(
          expected,
          component(ServiceConfig.load(Map.of(), env, null), field),
          "env " + option.envName());
      Path file = folder.resolve(name + ".properties");
      Files.writeString(
          file,
          given.entrySet().stream()
              .map(e -> e.getKey() + " = " + e.getValue() + "\n")
              .collect(Collectors.joining()));
      assertEquals(
          expected,
          component(ServiceConfig.load(Map.of(), Map.of(), file), field),
          "file key " + name);
    }
  }

  @Test
  void
      an_unknown_option_fails_as_a_flag_and_as_a_key_but_the_environment_may_hold_other_variables() {
    assertEquals(
        "unknown option --pool-max-totl",
        assertThrows(
                ConfigException.class,
                () -> ServiceConfig.load(Map.of("pool-max-totl", "3"), Map.of(), null))
            .getMessage());
    ServiceConfig c =
        ServiceConfig.load(Map.of(), Map.of("USERDB_ADMIN_PASSWORD", "not-an-option"), null);
    assertEquals(8, c.poolMaxTotal());
  }

  @Test
  void the_fastcgi_authorizer_is_off_by_default_on_loopback_and_refuses_a_bad_allow_list() {
    ServiceConfig defaults = ServiceConfig.load(Map.of(), Map.of(), null);
    assertEquals(-1, defaults.fastcgiPort());
    assertEquals("127.0.0.1", defaults.fastcgiAddress());
    assertEquals("", defaults.fastcgiAllow());
    for (String bad : List.of("10.0.0.0/33", "apache.example.org", "10.0.0.1,,garbage")) {
      String message =
          assertThrows(
                  ConfigException.class,
                  () -> ServiceConfig.load(Map.of("fastcgi-allow", bad), Map.of(), null),
                  bad)
              .getMessage();
      assertTrue(message.startsWith("fastcgi-allow: "), message);
    }
    assertThrows(
        ConfigException.class,
        () ->
            ServiceConfig.load(Map.of("fastcgi-address", "no-such-host.invalid"), Map.of(), null));
  }

  @Test
  void serve_help_lists_each_option_once_with_the_help_and_default_of_the_table() {
    String help = serveHelp();
    String flat = help.replaceAll("\\s+", " ");
    // picocli wraps at spaces and after some punctuation (jdbc:|postgresql): compare without any.
    String bare = help.replaceAll("\\s+", "");
    for (Option<?> option : Options.ALL) {
      long lines =
          help.lines()
              .filter(
                  Pattern.compile("^\\s+" + Pattern.quote(option.flag()) + "[=\\[]").asPredicate())
              .count();
      assertEquals(1, lines, option.flag() + " in\n" + help);
      assertTrue(
          flat.contains(option.flag() + (option.isSwitch() ? "[=" : "=") + option.label()),
          option.flag());
      assertTrue(
          bare.contains(option.plainHelp().replaceAll("\\s+", "")),
          option.plainHelp() + " in\n" + help);
    }
    assertTrue(
        bare.contains("--db=LOCATION" + Options.named("db").plainHelp().replaceAll("\\s+", ""))
            && flat.contains("(default: data/userdb.db)"),
        help);
    assertTrue(flat.contains("--config=FILE"), help);
  }

  @Test
  void the_printed_config_shows_each_option_and_masks_the_secret() {
    String printed =
        ServiceConfig.load(Map.of("ajp-secret", SECRET, "pool-max-total", "7"), Map.of(), null)
            .toString();
    assertTrue(printed.contains("poolMaxTotal=7") && printed.contains("ajpSecret=****"), printed);
    assertFalse(printed.contains(SECRET), printed);
  }

  private static final String SECRET = "a-secret-of-at-least-32-characters-here";

  /** A value for each option other than its default. */
  private Map<String, String> samples() throws Exception {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("db", "elsewhere/users.db");
    s.put("db-max-size", "64MB");
    s.put(
        "db-password-file",
        Files.writeString(folder.resolve("db-password"), DB_PASSWORD + "\n").toString());
    s.put("http-address", "127.0.0.2");
    s.put("http-port", "8081");
    s.put("ajp-address", "::1");
    s.put("ajp-port", "8010");
    s.put("ajp-secret", SECRET);
    s.put("ajp-secret-file", Files.writeString(folder.resolve("secret"), SECRET + "\n").toString());
    s.put("fastcgi-address", "localhost");
    s.put("fastcgi-port", "9009");
    s.put("fastcgi-allow", "10.0.0.0/8,fd00::/8");
    s.put("pool-max-total", "3");
    s.put("pool-min-idle", "0");
    s.put("pool-max-wait", "5s");
    s.put("change-check-interval", "0ms");
    s.put("default-user", "");
    s.put("trust-proxy-user", "true");
    s.put("require-proxy-user", "yes");
    s.put("trusted-proxies", "10.0.0.0/8");
    s.put("session-idle-timeout", "1h");
    s.put("session-max-age", "1d");
    s.put("login-failures-per-address", "3");
    s.put("max-threads", "17");
    s.put("max-concurrent-listings", "999");
    s.put("jvm-route", "node-1");
    s.put("audit-retention", "30d");
    s.put("audit-log", "/var/log/userdb/audit.jsonl");
    return s;
  }

  private static Object component(ServiceConfig config, String name) throws Exception {
    for (RecordComponent c : ServiceConfig.class.getRecordComponents()) {
      if (c.getName().equals(name)) {
        return c.getAccessor().invoke(config);
      }
    }
    throw new AssertionError("no component " + name);
  }

  /** What {@code userdb serve --help} prints. */
  private static String serveHelp() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, UserdbCommand.run("serve", "--help"));
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
