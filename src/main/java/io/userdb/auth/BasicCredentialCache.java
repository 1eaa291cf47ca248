package io.userdb.auth;

import io.userdb.db.User;
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
 * Remembers briefly which Basic credentials were verified, so that repeated Basic requests do not
 * pay a slow hash each time (as Apache's mod_authn_socache does for mod_authn_dbd).
 *
 * <p>Safe by construction: the key is an HMAC of name and password under a random per-process key,
 * so no password is held in clear; an entry only vouches for the exact stored hash it was verified
 * against, so a password changed anywhere (even by the CLI in another process) misses at once. The
 * account itself (roles, the disabled flag) is trusted only under the data version it was read at
 * ({@link io.userdb.db.UserDatabase#dataVersion()}), so any commit since sends the next request to
 * the database for it. Entries are also dropped explicitly when an account changes. Thread-safe.
 */
public final class BasicCredentialCache {

  static final Duration TIME_TO_LIVE = Duration.ofMinutes(2);
  private static final int MAX_ENTRIES = 10_000;

  /** Name and password, reduced to the HMAC that stands for them. */
  public record Key(String mac) {}

  /** {@code user} as read under {@code version}; its password hash is the one verified. */
  private record Entry(User user, long version, Instant expires) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ThreadLocal<Mac> macs;
  private final Clock clock;

  public BasicCredentialCache(Clock clock) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
    // One keyed Mac per request thread: getting and keying one costs more than the HMAC itself.
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
    this.clock = clock;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  public Key key(String username, String password) {
    Mac mac = macs.get();
    mac.update(username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(PasswordHasher.normalize(password).getBytes(StandardCharsets.UTF_8));
    return new Key(Base64.getEncoder().encodeToString(mac.doFinal()));
  }

  /**
   * The enabled account these credentials were verified for, if it was read under {@code version}
   * (nothing committed since) and the entry is fresh; else null.
   */
  public User verifiedUser(Key key, long version) {
    Entry entry = entries.get(key.mac());
    return entry != null && entry.version() == version && entry.expires().isAfter(clock.instant())
        ? entry.user()
        : null;
  }

  /** True if these credentials were verified against {@code currentHash} recently. */
  public boolean isVerified(Key key, String currentHash) {
    Entry entry = entries.get(key.mac());
    return entry != null
        && entry.user().passwordHash().equals(currentHash)
        && entry.expires().isAfter(clock.instant());
  }

  /** After a full check of the password: vouches for it for {@link #TIME_TO_LIVE}. */
  public void remember(Key key, User user, long version) {
    Instant now = clock.instant();
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(e -> !e.expires().isAfter(now));
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.put(key.mac(), new Entry(user, version, now.plus(TIME_TO_LIVE)));
  }

  /**
   * After the account was read again (under {@code version}) and still holds the verified hash: the
   * entry now vouches for it as read. The expiry stays, so the password itself is checked again at
   * least every {@link #TIME_TO_LIVE} however often the account is re-read.
   */
  public void refresh(Key key, User user, long version) {
    entries.computeIfPresent(
        key.mac(),
        (mac, old) ->
            old.user().passwordHash().equals(user.passwordHash())
                ? new Entry(user, version, old.expires())
                : old);
  }

  /** Drops every entry of {@code username}: its password, roles or status changed. */
  public void forget(String username) {
    String name = username.toLowerCase(Locale.ROOT);
    entries.values().removeIf(e -> e.user().username().toLowerCase(Locale.ROOT).equals(name));
  }

  int size() {
    return entries.size();
  }
}
