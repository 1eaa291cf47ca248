package io.userdb;

import static io.userdb.HttpApi.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving users over from Apache: every htpasswd format imports with its hash as it is, signs in
 * with the old password, and is rehashed to Argon2id at that first sign-in. Hashes come from
 * Apache's own htpasswd tool where it is installed, and from the same algorithms otherwise.
 */
class HtpasswdImportIT {

  @TempDir Path work;

  @Test
  void every_htpasswd_format_imports_signs_in_and_is_upgraded() throws Exception {
    Map<String, String> hashes = new LinkedHashMap<>();
    String pw = "imported-pässword";
    hashes.put(
        "bcrypt.user",
        OpenBSDBCrypt.generate("2y", pw.getBytes(StandardCharsets.UTF_8), new byte[16], 5));
    hashes.put(
        "apr1.user", Md5Crypt.apr1Crypt(pw.getBytes(StandardCharsets.UTF_8), "$apr1$saltsalt$"));
    hashes.put(
        "sha.user",
        "{SHA}"
            + Base64.getEncoder()
                .encodeToString(
                    MessageDigest.getInstance("SHA-1")
                        .digest(pw.getBytes(StandardCharsets.UTF_8))));
    hashes.put(
        "sha256.user",
        Sha2Crypt.sha256Crypt(pw.getBytes(StandardCharsets.UTF_8), "$5$rounds=5000$saltsalt"));
    hashes.put(
        "sha512.user", Sha2Crypt.sha512Crypt(pw.getBytes(StandardCharsets.UTF_8), "$6$saltsalt"));
    hashes.putAll(fromApacheHtpasswd(pw));

    List<String> lines = new ArrayList<>();
    lines.add("# exported from Apache");
    hashes.forEach((user, hash) -> lines.add(user + ":" + hash));
    lines.add("plain.user:plaintext-not-accepted");
    lines.add("no colon here");
    lines.add("bad name!:" + hashes.get("apr1.user"));
    lines.add("apr1.user:" + hashes.get("apr1.user"));
    Path file = work.resolve("users.htpasswd");
    Files.write(file, lines, StandardCharsets.UTF_8);
    Path db = FreshDatabase.at(work.resolve("import.db"));

    UserdbProcess.Run run =
        UserdbProcess.run(
            work, Map.of(), null, "import-htpasswd", file.toString(), "--db", db.toString());
    assertEquals(0, run.exitCode(), run.stderr());
    int first = 2;
    int total = hashes.size();
    assertTrue(run.stdout().contains("imported " + total + ", skipped 4"), run.stdout());
    assertTrue(
        run.stdout()
            .contains("line " + (first + total) + ": skipped: user plain.user: unsupported hash"),
        run.stdout());
    assertTrue(
        run.stdout().contains("line " + (first + total + 1) + ": skipped: not NAME:HASH"),
        run.stdout());
    assertTrue(
        run.stdout()
            .contains("line " + (first + total + 3) + ": skipped: user apr1.user exists already"),
        run.stdout());

    try (TestServer server =
        TestServer.start(work.resolve("server-folder-unused"), "db", db.toString())) {
      for (String user : hashes.keySet()) {
        assertEquals(401, server.http.get("/api/me", basic(user, "wrong-password")).status(), user);
        assertEquals(
            200,
            server.http.get("/api/me", basic(user, pw)).status(),
            user + " signs in with the old password");
        assertTrue(
            storedHash(db, user).startsWith("$argon2id$v=19$m=19456,t=2,p=1$"),
            user + " was rehashed");
        assertEquals(
            200, server.http.get("/api/me", basic(user, pw)).status(), user + " still signs in");
      }
    }
  }

  /** Hashes made by Apache's own htpasswd, when the machine has it (CI installs apache2). */
  private Map<String, String> fromApacheHtpasswd(String pw) throws Exception {
    Map<String, String> hashes = new LinkedHashMap<>();
    if (!Files.isExecutable(Path.of("/usr/bin/htpasswd"))) {
      if (System.getenv("CI") != null) {
        throw new AssertionError(
            "CI must install apache2-utils: the import is checked against real htpasswd output");
      }
      System.err.println(
          "HtpasswdImportIT: no /usr/bin/htpasswd here; checking hashes made by the same algorithms only");
      return hashes;
    }
    String[][] formats = {
      {"-B", "apache.bcrypt"},
      {"-m", "apache.apr1"},
      {"-s", "apache.sha"},
      {"-2", "apache.sha256"},
      {"-5", "apache.sha512"}
    };
    for (String[] f : formats) {
      Process p =
          new ProcessBuilder("/usr/bin/htpasswd", "-ni", f[0], f[1])
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().write(pw.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertEquals(0, p.waitFor(), "htpasswd " + f[0] + ": " + out);
      hashes.put(f[1], out.substring(f[1].length() + 1));
    }
    return hashes;
  }

  private static String storedHash(Path db, String user) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement s =
            c.prepareStatement("SELECT password_hash FROM users WHERE username = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
