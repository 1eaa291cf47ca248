package io.userdb.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Walks the chain in order of {@code seq} from its anchor (record 1 and the genesis, or the first
 * record kept by pruning and the hash it links to) and names the first record that was changed,
 * removed or inserted. Feed it every record, then the head read after the last of them. An anchor
 * moved by anything but pruning is named too: the last pruning record in the chain must name it.
 * Not thread-safe.
 */
public final class AuditVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long firstSeq;
  private long lastSeq;
  private String lastHash;
  private long checked;
  private String problem;
  private AuditRecord lastPruning;

  /** A verifier of a chain that starts at record 1. */
  public AuditVerifier() {
    this(AuditHead.EMPTY);
  }

  /** A verifier of the chain that starts at {@code head}'s anchor. */
  public AuditVerifier(AuditHead head) {
    this.firstSeq = head.firstSeq();
    this.lastSeq = head.firstSeq() - 1;
    this.lastHash = head.firstPrevHash();
  }

  /**
   * Walks a whole log and checks it against its head. Backends may append meanwhile: records past
   * the walk's end that the head already counts are read too, so only records really missing are
   * reported missing.
   *
   * @param pageAfter a page of the records after a seq, in order (empty after the last)
   * @param head the head as the store keeps it now
   */
  public static AuditVerifier walk(
      LongFunction<List<AuditRecord>> pageAfter, Supplier<AuditHead> head) {
    for (int tries = 1; ; tries++) {
      AuditHead start = head.get();
      AuditVerifier verifier = walkFrom(start, pageAfter, head);
      // A pruning meanwhile removes records the walk had yet to read: walked again from its anchor.
      if (verifier.problem == null || tries == 3 || head.get().firstSeq() == start.firstSeq()) {
        return verifier;
      }
    }
  }

  private static AuditVerifier walkFrom(
      AuditHead start, LongFunction<List<AuditRecord>> pageAfter, Supplier<AuditHead> head) {
    AuditVerifier verifier = new AuditVerifier(start);
    long from = Long.MIN_VALUE; // a record inserted before the first is read too
    while (true) {
      for (List<AuditRecord> page = pageAfter.apply(from); !page.isEmpty(); ) {
        for (AuditRecord record : page) {
          if (!verifier.accept(record)) {
            verifier.pastThe(head.get(), record.seq());
            return verifier;
          }
        }
        from = verifier.lastSeq;
        page = pageAfter.apply(from);
      }
      AuditHead now = head.get();
      if (now.seq() <= verifier.lastSeq || pageAfter.apply(verifier.lastSeq).isEmpty()) {
        verifier.finish(now);
        return verifier;
      }
    }
  }

  /**
   * A bad record past the head (read after it) was inserted: an append moves the head in the same
   * transaction as it adds its record.
   */
  private void pastThe(AuditHead head, long seq) {
    if (seq > head.seq()) {
      problem = "record " + seq + " was inserted (after the head, record " + head.seq() + ")";
    }
  }

  /** Checks the next record; false once a problem is found (see {@link #problem()}). */
  public boolean accept(AuditRecord record) {
    if (problem != null) {
      return false;
    }
    long expected = lastSeq + 1;
    if (record.seq() < expected) {
      return fail("record " + record.seq() + " was inserted (before record " + expected + ")");
    }
    if (record.seq() > expected) {
      return fail(
          (record.seq() == expected + 1
                  ? "record " + expected + " was removed"
                  : "records " + expected + " to " + (record.seq() - 1) + " were removed")
              + " (record "
              + record.seq()
              + " follows record "
              + lastSeq
              + ")");
    }
    if (!AuditChain.hashOf(record).equals(record.hash())) {
      return fail("record " + record.seq() + " was changed (its hash does not match its content)");
    }
    if (!record.prevHash().equals(lastHash)) {
      return fail(
          lastSeq == firstSeq - 1
              ? "record " + record.seq() + " was changed or inserted (it does not start the chain)"
              : "record "
                  + lastSeq
                  + " was changed or replaced (record "
                  + record.seq()
                  + " does not link to it)");
    }
    lastSeq = record.seq();
    lastHash = record.hash();
    if (AuditAction.AUDIT_PRUNED.id().equals(record.action())) {
      lastPruning = record;
    }
    checked++;
    return true;
  }

  /**
   * After the last record: the head must name it. A head beyond it means records were removed from
   * the end; records beyond the head were inserted.
   */
  public Optional<String> finish(AuditHead head) {
    if (problem == null) {
      if (head.seq() > lastSeq) {
        fail(
            (head.seq() == lastSeq + 1
                    ? "record " + head.seq() + " was removed"
                    : "records " + (lastSeq + 1) + " to " + head.seq() + " were removed")
                + " (the log ends at record "
                + lastSeq
                + ", its head says "
                + head.seq()
                + ")");
      } else if (head.seq() < lastSeq) {
        fail(
            "record "
                + (head.seq() + 1)
                + " was inserted (after the head, record "
                + head.seq()
                + ")");
      } else if (!head.hash().equals(lastHash)) {
        fail("record " + lastSeq + " was changed or replaced (the head does not link to it)");
      } else if (head.pruned() && !namesAnchor(lastPruning, head)) {
        fail(
            "records before "
                + head.firstSeq()
                + " were removed (the log starts there, but no pruning record says so)");
      }
    }
    return problem();
  }

  /** Whether {@code pruning}, a pruning record, moved the anchor to where {@code head} has it. */
  private static boolean namesAnchor(AuditRecord pruning, AuditHead head) {
    if (pruning == null) {
      return false;
    }
    try {
      JsonNode fields = JSON.readTree(pruning.fields());
      return fields.path("kept_from").asLong() == head.firstSeq()
          && head.firstPrevHash().equals(fields.path("anchor").asText());
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Records found intact so far. */
  public long checked() {
    return checked;
  }

  /** The last intact record's seq (0: none). */
  public long lastSeq() {
    return lastSeq;
  }

  public String lastHash() {
    return lastHash;
  }

  private boolean fail(String what) {
    problem = what;
    return false;
  }
}
