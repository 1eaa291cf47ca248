package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.Md5Crypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy-authentication variant: Apache checks Basic credentials against an htpasswd file
 * and userdb takes the name it sends over AJP, only with --trust-proxy-user.
 */
class ApacheProxyAuthIT {

  @TempDir Path work;

  private Path htpasswd() throws Exception {
    Path dir = Files.createDirectory(work.resolve("auth"));
    Path file = dir.resolve("htpasswd");
    String hash = Md5Crypt.apr1Crypt("apache-password".getBytes(StandardCharsets.UTF_8));
    Files.writeString(file, "pat:" + hash + "\n");
    // Apache's workers (www-data) read the file at request time.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  private ApacheHttpd apache(TestServer backend, Path htpasswd) throws Exception {
    return ApacheHttpd.start(work, Map.of("USERDB_AJP", "127.0.0.1:" + backend.service().ajpPort(),
        "USERDB_HTPASSWD", htpasswd.toString()), List.of("USERDB_PROXY_AUTH"), ApacheIT.secretOf(backend));
  }

  private static void createPat(TestServer backend) {
    Reply created = backend.http.send("POST", "/api/users", json("username", "pat", "password", "userdb-own-password",
        "displayName", "Pat"), basic("admin", TestServer.ADMIN_PASSWORD));
    assertEquals(201, created.status(), created.body());
  }

  @Test
  void the_user_apache_authenticated_is_the_caller_when_trusted() throws Exception {
    ApacheHttpd.binary();
    Path htpasswd = htpasswd();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0", "trust-proxy-user", "true");
        ApacheHttpd apache = apache(backend, htpasswd)) {
      createPat(backend);
      HttpApi http = apache.http();
      Reply me = http.get("/api/me", basic("pat", "apache-password"));
      assertEquals(200, me.status(), me.body() + apache.logs());
      assertEquals("pat", ApiIT.body(me).path("username").asText());
      assertEquals("proxy", ApiIT.body(me).path("authenticatedBy").asText());
      assertEquals("Pat", ApiIT.body(me).path("displayName").asText(), "mapped to userdb's own record");

      Reply refused = http.get("/api/me", basic("pat", "wrong-password"));
      assertEquals(401, refused.status());
      assertTrue(refused.header("Content-Type").orElse("").startsWith("application/json"), "Apache's 401 is JSON too");
      assertEquals("authentication_required", ApiIT.body(refused).path("error").asText());
      assertEquals(200, http.get("/health").status(), "health stays open for monitors");
    }
  }

  @Test
  void without_trust_the_name_apache_sends_is_ignored() throws Exception {
    ApacheHttpd.binary();
    Path htpasswd = htpasswd();
    try (TestServer backend = TestServer.start(work.resolve("db"), "ajp-port", "0");
        ApacheHttpd apache = apache(backend, htpasswd)) {
      createPat(backend);
      Reply me = apache.http().get("/api/me", basic("pat", "apache-password"));
      assertEquals(200, me.status(), me.body());
      assertEquals("default", ApiIT.body(me).path("authenticatedBy").asText(), me.body());
      assertEquals("guest", ApiIT.body(me).path("username").asText());
    }
  }
}
