package io.userdb.audit;

import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A head {@code verify} printed once and an operator kept where the database's writers cannot
 * reach, as {@code SEQ:HASH}. Whoever can write the database can rewrite the whole log with a chain
 * that verifies; they cannot make it hold a hash they did not know to keep. So a kept head checks
 * that every record up to it is as it was.
 */
public record KeptHead(long seq, String hash) {

  private static final Pattern FORM = Pattern.compile("(0|[1-9][0-9]{0,18}):([0-9a-f]{64})");

  /**
   * Reads {@code SEQ:HASH} as {@code verify} prints it.
   *
   * @throws IllegalArgumentException if it is not in that form
   */
  public static KeptHead parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a kept head is SEQ:HASH as `audit verify` prints it (e.g. 42:5f0c...), not " + text);
    }
    return new KeptHead(Long.parseLong(m.group(1)), m.group(2));
  }

  /** As {@code verify} prints it, to be kept. */
  public static String of(AuditVerifier intact) {
    return intact.lastSeq() + ":" + intact.lastHash();
  }

  /**
   * What is wrong with the log against this kept head, after {@code intact} walked it without a
   * problem; empty if the record it names is there with its hash, or was pruned (the chain's
   * anchor, which only a recorded pruning moves, is past it).
   *
   * @param recordAt the record with a seq, if the log holds it
   */
  public Optional<String> check(
      AuditVerifier intact, AuditHead head, LongFunction<Optional<AuditRecord>> recordAt) {
    if (seq > intact.lastSeq()) {
      return Optional.of(
          "the log ends at record "
              + intact.lastSeq()
              + ", before record "
              + seq
              + " kept: records were removed and the chain made anew");
    }
    if (seq < head.firstSeq()) {
      return Optional.empty();
    }
    Optional<AuditRecord> record = recordAt.apply(seq);
    if (record.isEmpty() || !record.get().hash().equals(hash)) {
      return Optional.of(
          "record "
              + seq
              + " is not the one kept: the log was rewritten, at that record or before it");
    }
    return Optional.empty();
  }

  /** The first record from {@code page}, if it is record {@code seq}. */
  public static Optional<AuditRecord> first(List<AuditRecord> page, long seq) {
    return page.isEmpty() || page.get(0).seq() != seq ? Optional.empty() : Optional.of(page.get(0));
  }
}
