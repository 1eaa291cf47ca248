package io.userdb.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers briefly which Basic credentials were verified, so that repeated Basic requests do
 * not pay a slow hash each time (as Apache's mod_authn_socache does for mod_authn_dbd).
 *
 * <p>Safe by construction: the key is an HMAC of name and password under a random per-process
 * key, so no password is held in clear; an entry only vouches for the exact stored hash it was
 * verified against, so a password changed anywhere (even by the CLI in another process) misses
 * at once; roles and the disabled flag are always read fresh from the database. Entries are
 * also dropped explicitly when an account changes. Thread-safe.
 */
public final class BasicCredentialCache {

  static final Duration TIME_TO_LIVE = Duration.ofMinutes(2);
  private static final int MAX_ENTRIES = 10_000;

  private record Entry(String username, String verifiedHash, Instant expires) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final SecretKeySpec key;
  private final Clock clock;

  public BasicCredentialCache(Clock clock) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.clock = clock;
  }

  /** True if this name and password were verified against {@code currentHash} recently. */
  public boolean isVerified(String username, String password, String currentHash) {
    Entry entry = entries.get(cacheKey(username, password));
    return entry != null
        && entry.verifiedHash().equals(currentHash)
        && entry.expires().isAfter(clock.instant());
  }

  public void remember(String username, String password, String verifiedHash) {
    Instant now = clock.instant();
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(e -> !e.expires().isAfter(now));
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.put(
        cacheKey(username, password),
        new Entry(username.toLowerCase(Locale.ROOT), verifiedHash, now.plus(TIME_TO_LIVE)));
  }

  /** Drops every entry of {@code username}: its password, roles or status changed. */
  public void forget(String username) {
    String name = username.toLowerCase(Locale.ROOT);
    entries.values().removeIf(e -> e.username().equals(name));
  }

  int size() {
    return entries.size();
  }

  private String cacheKey(String username, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(PasswordHasher.normalize(password).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
