package io.userdb.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain that makes the audit log tamper-evident. Each record's hash is SHA-256 over a
 * canonical serialisation of every column but the hash itself, the previous record's hash included:
 * each value as its length, a colon and its characters (null as {@code ~}), separated by {@code |},
 * so no two different records serialise alike. The first record follows {@link #GENESIS}.
 *
 * <p>The chain shows a change, removal or insertion made by someone who did not recompute every
 * hash after it; one who can rewrite the whole log can rewrite the chain too. Exporting the log (or
 * just its head) elsewhere closes that gap.
 */
public final class AuditChain {

  /** What the first record names as the one before it. */
  public static final String GENESIS = "0".repeat(64);

  /** The canonical serialisation's version, hashed first: a later format can be told apart. */
  private static final String FORMAT = "userdb-audit-1";

  private AuditChain() {}

  /** SHA-256, in hex, over {@code record}'s canonical serialisation (its own hash left out). */
  public static String hashOf(AuditRecord record) {
    StringBuilder canonical = new StringBuilder(256).append(FORMAT);
    for (Object value :
        new Object[] {
          record.seq(),
          record.at(),
          record.action(),
          record.category(),
          record.outcome(),
          record.actorId(),
          record.actorName(),
          record.targetId(),
          record.targetName(),
          record.clientAddress(),
          record.route(),
          record.fields(),
          record.prevHash()
        }) {
      canonical.append('|');
      if (value == null) {
        canonical.append('~');
      } else {
        String text = value.toString();
        canonical.append(text.length()).append(':').append(text);
      }
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
