package io.userdb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.PoolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    assertTrue(assertThrows(ConfigException.class, () -> ServiceConfig.load(Map.of(), Map.of(), file))
        .getMessage().contains("htp-port"));
    String[][] bad = {{"http-port", "-2"}, {"ajp-port", "x"}, {"pool-max-total", "0"}, {"pool-min-idle", "9"},
        {"pool-max-wait", "0s"}, {"session-max-age", "12"}, {"trust-proxy-user", "maybe"}, {"default-user", "a b"},
        {"ajp-secret", ""}, {"ajp-secret", "   "}, {"ajp-secret", "x"}, {"max-threads", "0"},
        {"max-concurrent-listings", "0"}, {"http-address", "999.1.1.1"}, {"ajp-address", "300.0.0.1"},
        {"http-address", "no-such-host.invalid"}, {"require-proxy-user", "true"}};
    for (String[] b : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> ServiceConfig.load(Map.of(b[0], b[1]), Map.of(), null),
          b[0] + "=" + b[1]);
      assertTrue(e.getMessage().contains(b[0]), e.getMessage());
    }
  }

  @Test
  void an_empty_default_user_disables_it_and_ports_may_be_off_or_ephemeral() {
    ServiceConfig c = ServiceConfig.load(Map.of("default-user", "", "http-port", "0", "ajp-port", "-1"), Map.of(), null);
    assertEquals("", c.defaultUser());
    assertEquals(0, c.httpPort());
    assertEquals(-1, c.ajpPort());
    assertThrows(ConfigException.class,
        () -> ServiceConfig.load(Map.of("http-port", "-1", "ajp-port", "-1"), Map.of(), null));
  }

  @Test
  void the_secret_never_appears_in_the_printed_config() {
    ServiceConfig c = ServiceConfig.load(Map.of("ajp-secret", "very-secret-value-of-32-characters-at-least"), Map.of(), null);
    assertFalse(c.toString().contains("very-secret-value-of-32-characters-at-least"));
  }

  @Test
  void durations_read_as_people_write_them() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
    assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT5S"));
  }
}
