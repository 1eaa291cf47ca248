package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.Md5Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  static final PasswordHasher HASHER = new PasswordHasher();

  @Test
  void hashes_are_argon2id_phc_strings_at_owasp_parameters_with_a_fresh_salt() {
    String a = HASHER.hash("correct horse");
    String b = HASHER.hash("correct horse");
    assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
    assertNotEquals(a, b, "salted");
    assertTrue(HASHER.verify("correct horse", a));
    assertFalse(HASHER.verify("correct horsf", a));
    assertFalse(HASHER.needsRehash(a));
  }

  @Test
  void weaker_or_legacy_hashes_verify_and_ask_for_a_rehash() {
    String bcrypt =
        OpenBSDBCrypt.generate("2y", "pw-legacy".getBytes(StandardCharsets.UTF_8), new byte[16], 5);
    String apr1 =
        Md5Crypt.apr1Crypt("pw-legacy".getBytes(StandardCharsets.UTF_8), "$apr1$abcdefgh$");
    for (String hash : new String[] {bcrypt, apr1}) {
      assertTrue(HASHER.verify("pw-legacy", hash), hash);
      assertFalse(HASHER.verify("pw-wrong", hash), hash);
      assertTrue(HASHER.needsRehash(hash));
      assertTrue(PasswordHasher.isSupported(hash));
    }
  }

  @Test
  void malformed_or_unknown_hashes_never_match() {
    for (String bad :
        new String[] {
          "",
          "plain",
          "$argon2id$v=19$m=x$y$z",
          "$argon2id$v=19$m=8,t=1$",
          "{SHA}***",
          "$2y$05$short"
        }) {
      assertFalse(HASHER.verify("anything", bad), bad);
    }
    assertFalse(PasswordHasher.isSupported("plaintext"));
  }

  @Test
  void no_more_hashes_run_at_once_than_allowed() throws Exception {
    PasswordHasher twoAtOnce = new PasswordHasher(2);
    String hash = twoAtOnce.hash("parallel-password");
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(6);
    java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      results.add(threads.submit(() -> twoAtOnce.verify("parallel-password", hash)));
    }
    for (var result : results) {
      assertTrue(result.get(60, java.util.concurrent.TimeUnit.SECONDS));
    }
    threads.shutdown();
    assertTrue(twoAtOnce.mostInFlight() <= 2, "ran " + twoAtOnce.mostInFlight() + " at once");
  }

  @Test
  void passwords_are_compared_after_nfc_normalisation() {
    String hash = HASHER.hash("\u00e9t\u00e9-password");
    assertTrue(HASHER.verify("e\u0301te\u0301-password", hash));
  }

  @Test
  void lockout_grows_and_is_capped() {
    LockoutPolicy p = LockoutPolicy.DEFAULT;
    java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertTrue(p.lockedUntil(4, now).isBefore(now), "no lock before the threshold");
    assertTrue(p.lockedUntil(5, now).equals(now.plusSeconds(5)));
    assertTrue(p.lockedUntil(6, now).equals(now.plusSeconds(10)));
    assertTrue(p.lockedUntil(60, now).equals(now.plusSeconds(900)));
  }
}
