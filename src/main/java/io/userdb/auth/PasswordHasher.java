package io.userdb.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords with Argon2id at OWASP's parameters (19 MiB, 2 iterations, 1 lane) as PHC
 * strings, and verifies those plus every format Apache httpd 2.4's {@code htpasswd} writes ({@code
 * $2y$} bcrypt, {@code $apr1$} MD5, {@code {SHA}}, {@code $5$}/{@code $6$} SHA-crypt), so users
 * moved over from an htpasswd file keep their passwords until their next login upgrades the hash.
 * Passwords are normalised to NFC first. Thread-safe.
 */
public final class PasswordHasher {

  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final String PHC_PREFIX = "$argon2id$v=19$";
  private static final String CURRENT_PARAMS =
      "m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  private final SecureRandom random = new SecureRandom();

  /**
   * At most one slow hash per core at a time. Each Argon2id run is made to take a noticeable share
   * of a core and 19 MiB; a flood of sign-ins would otherwise take every core from the requests
   * that only read, and the extra hashes would only wait for a core anyway.
   */
  private final Semaphore hashing;

  private final HashCosts costs = new HashCosts();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();

  /** Verified against for unknown users, so that they cost what known users cost. */
  private final String dummyHash;

  public PasswordHasher() {
    this(Runtime.getRuntime().availableProcessors());
  }

  PasswordHasher(int concurrentHashes) {
    hashing = new Semaphore(concurrentHashes, true);
    dummyHash = hash("userdb dummy password for unknown users");
  }

  public String hash(String password) {
    return limited(() -> hashNow(password));
  }

  /** True if {@code password} matches {@code stored}; false for a format it does not know. */
  public boolean verify(String password, String stored) {
    return limited(
        () -> {
          long start = System.nanoTime();
          boolean matches = verifyNow(password, stored);
          costs.record(stored, System.nanoTime() - start);
          return matches;
        });
  }

  /**
   * How long a check of the slowest kind of hash verified here takes (at most {@link
   * HashCosts#MAX}): a failed sign-in is answered no sooner, so an account imported with a slow
   * legacy hash (bcrypt cost 12) or a fast one ({SHA}) cannot be told from an unknown name.
   */
  public Duration slowestCheck() {
    return costs.slowest();
  }

  /** The most hashes that ever ran at once (for tests). */
  int mostInFlight() {
    return mostInFlight.get();
  }

  private <T> T limited(Supplier<T> work) {
    hashing.acquireUninterruptibly();
    try {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return work.get();
    } finally {
      inFlight.decrementAndGet();
      hashing.release();
    }
  }

  private String hashNow(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash =
        argon2(normalize(password), salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return PHC_PREFIX
        + CURRENT_PARAMS
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(hash);
  }

  private boolean verifyNow(String password, String stored) {
    String normalized = normalize(password);
    try {
      if (stored.startsWith("$argon2id$")) {
        return verifyArgon2(normalized, stored);
      }
      if (stored.startsWith("$2y$") || stored.startsWith("$2a$") || stored.startsWith("$2b$")) {
        return OpenBSDBCrypt.checkPassword(stored, normalized.getBytes(StandardCharsets.UTF_8));
      }
      if (stored.startsWith("$apr1$")) {
        return slowEquals(
            Md5Crypt.apr1Crypt(normalized.getBytes(StandardCharsets.UTF_8), stored), stored);
      }
      if (stored.startsWith("$5$")) {
        return slowEquals(
            Sha2Crypt.sha256Crypt(normalized.getBytes(StandardCharsets.UTF_8), stored), stored);
      }
      if (stored.startsWith("$6$")) {
        return slowEquals(
            Sha2Crypt.sha512Crypt(normalized.getBytes(StandardCharsets.UTF_8), stored), stored);
      }
      if (stored.startsWith("{SHA}")) {
        byte[] sha1 =
            MessageDigest.getInstance("SHA-1").digest(normalized.getBytes(StandardCharsets.UTF_8));
        return slowEquals("{SHA}" + Base64.getEncoder().encodeToString(sha1), stored);
      }
    } catch (RuntimeException | NoSuchAlgorithmException e) {
      return false; // a malformed stored hash never matches
    }
    return false;
  }

  /** Spends the time of one verification, for a user that does not exist. */
  public void verifyDummy(String password) {
    verify(password, dummyHash);
  }

  /** Whether {@code password} is stored in a format this service can verify. */
  public static boolean isSupported(String stored) {
    return stored.startsWith("$argon2id$")
        || stored.matches("^\\$2[aby]\\$\\d\\d\\$.{53}$")
        || stored.startsWith("$apr1$")
        || stored.startsWith("$5$")
        || stored.startsWith("$6$")
        || stored.startsWith("{SHA}");
  }

  /** The name of a stored hash's scheme, for the audit log: never any part of the hash itself. */
  static String schemeOf(String stored) {
    if (stored.startsWith("$argon2id$")) {
      return "argon2id";
    }
    if (stored.startsWith("$2")) {
      return "bcrypt";
    }
    if (stored.startsWith("$apr1$")) {
      return "apr1";
    }
    if (stored.startsWith("$5$")) {
      return "sha256-crypt";
    }
    if (stored.startsWith("$6$")) {
      return "sha512-crypt";
    }
    return stored.startsWith("{SHA}") ? "sha1" : "unknown";
  }

  /** True for anything but Argon2id at today's parameters: rehash it at the next login. */
  public boolean needsRehash(String stored) {
    return !stored.startsWith(PHC_PREFIX + CURRENT_PARAMS + "$");
  }

  private static boolean verifyArgon2(String password, String stored) {
    // $argon2id$v=19$m=..,t=..,p=..$salt$hash
    String[] parts = stored.split("\\$");
    if (parts.length != 6 || !parts[2].equals("v=19")) {
      return false;
    }
    int memory = 0;
    int iterations = 0;
    int parallelism = 0;
    for (String param : parts[3].split(",")) {
      String[] kv = param.split("=", 2);
      int value = Integer.parseInt(kv[1]);
      switch (kv[0]) {
        case "m" -> memory = value;
        case "t" -> iterations = value;
        case "p" -> parallelism = value;
        default -> {
          return false;
        }
      }
    }
    byte[] salt = B64_DECODER.decode(parts[4]);
    byte[] expected = B64_DECODER.decode(parts[5]);
    byte[] actual = argon2(password, salt, memory, iterations, parallelism, expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] argon2(
      String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }

  static String normalize(String password) {
    return Normalizer.normalize(password, Normalizer.Form.NFC);
  }

  private static boolean slowEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
