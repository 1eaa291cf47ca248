package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Windows configuration cannot run here, so it is held to the Linux one: both load the same
 * modules for the proxy (under the same switches) and include the same site files.
 */
class HttpdConfTest {

  static final Path CONF = Path.of("httpd-conf");
  static final Pattern LOAD =
      Pattern.compile("^\\s*LoadModule\\s+(\\S+)\\s+\\S*?mod_(\\S+)\\.so", Pattern.MULTILINE);
  static final Pattern INCLUDE =
      Pattern.compile(
          "^\\s*Include\\s+\"?(?:\\$\\{USERDB_HTTPD_CONF}/)?([^\"\\s]+)\"?", Pattern.MULTILINE);

  /** "module name from file", each under the IfDefine it sits in, in file order. */
  static List<String> modules(String config) {
    List<String> found = new ArrayList<>();
    Matcher m = LOAD.matcher(config);
    while (m.find()) {
      found.add(section(config, m.start()) + m.group(1) + " from mod_" + m.group(2));
    }
    return found;
  }

  static List<String> includes(String config) {
    List<String> found = new ArrayList<>();
    Matcher m = INCLUDE.matcher(config);
    while (m.find()) {
      found.add(section(config, m.start()) + m.group(1));
    }
    return found;
  }

  /** The innermost IfDefine around a position ("" when none). */
  static String section(String config, int at) {
    String before = config.substring(0, at);
    int open = before.lastIndexOf("<IfDefine ");
    int close = before.lastIndexOf("</IfDefine>");
    return open > close ? before.substring(open, before.indexOf('>', open) + 1) + " " : "";
  }

  static String read(String path) throws IOException {
    return Files.readString(CONF.resolve(path));
  }

  @Test
  void windows_and_linux_load_the_same_proxy_modules_and_include_the_same_site_files()
      throws IOException {
    String linux = read("linux/httpd.conf");
    String windows = read("windows/httpd.conf");
    List<String> linuxModules = modules(linux).stream().filter(m -> !m.contains("mpm_")).toList();
    assertEquals(
        linuxModules.stream().filter(m -> !m.contains("unixd")).toList(), modules(windows));
    assertTrue(linuxModules.stream().anyMatch(m -> m.contains("proxy_ajp_module")));
    assertEquals(includes(linux), includes(windows));
    assertEquals(
        List.of(
            "<IfDefine USERDB_BALANCER> userdb-balancer.conf",
            "<IfDefine USERDB_GUARD> userdb-guard.conf",
            "userdb.conf",
            "<IfDefine USERDB_PROXY_AUTH> userdb-proxy-auth.conf"),
        includes(linux));
    assertTrue(windows.contains("mpm_winnt_module") && windows.contains("ThreadsPerChild"));
    assertTrue(linux.contains("mpm_worker_module"));
  }

  @Test
  void every_included_file_exists_and_no_secret_is_committed() throws IOException {
    for (String include : includes(read("linux/httpd.conf"))) {
      String file = include.replaceFirst("^<IfDefine [^>]+> ", "");
      assertTrue(Files.exists(CONF.resolve(file)), file);
    }
    try (var files = Files.walk(CONF)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(file);
        Matcher secrets = Pattern.compile("secret=(\\S+)").matcher(text);
        while (secrets.find()) {
          assertEquals(
              "${USERDB_AJP_SECRET}", secrets.group(1), file + " takes the secret from outside");
        }
      }
    }
  }

  @Test
  void apache_and_tomcat_agree_on_the_ajp_packet_size() throws IOException {
    Matcher m = Pattern.compile("ProxyIOBufferSize\\s+(\\d+)").matcher(read("userdb.conf"));
    assertTrue(m.find());
    assertEquals(io.userdb.server.TomcatSettings.AJP_PACKET_SIZE, Integer.parseInt(m.group(1)));
    assertFalse(
        read("userdb.conf").contains("ping="), "ping= costs a CPING round trip on every request");
  }
}
