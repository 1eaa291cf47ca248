package io.userdb.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The walk over a log that changes under it, as a service's own pruning and appends change it while
 * {@code audit verify} reads page by page. The log here is a list: the stores' own tests walk real
 * databases ({@code AuditLogContract}).
 */
class AuditVerifierTest {

  private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
  private static final AuditOrigin SYSTEM = AuditOrigin.system("");

  private final List<AuditRecord> log = new ArrayList<>();
  private final AtomicReference<AuditHead> head = new AtomicReference<>(AuditHead.EMPTY);

  private void append(AuditEvent event) {
    AuditHead h = head.get();
    AuditRecord r = AuditRecord.next(h.seq() + 1, T0, event, h.hash());
    log.add(r);
    head.set(new AuditHead(r.seq(), r.hash(), h.firstSeq(), h.firstPrevHash()));
  }

  /** What JdbcAudit.prune does: anchor moved, records before it gone, the pruning recorded. */
  private void pruneBefore(long keepFrom) {
    AuditRecord kept = log.stream().filter(r -> r.seq() == keepFrom).findFirst().orElseThrow();
    log.removeIf(r -> r.seq() < keepFrom);
    AuditHead h = head.get();
    head.set(new AuditHead(h.seq(), h.hash(), keepFrom, kept.prevHash()));
    append(
        AuditEvent.success(AuditAction.AUDIT_PRUNED, SYSTEM, null, null)
            .with("kept_from", keepFrom)
            .with("anchor", kept.prevHash()));
  }

  private List<AuditRecord> after(long seq, int limit) {
    return log.stream().filter(r -> r.seq() > seq).limit(limit).toList();
  }

  @Test
  void a_pruning_while_the_walk_reads_is_walked_again_from_the_new_anchor() {
    for (int i = 0; i < 20; i++) {
      append(AuditEvent.success(AuditAction.SERVICE_STARTED, SYSTEM, null, null).with("n", i));
    }
    int[] pages = {0};
    AuditVerifier verified =
        AuditVerifier.walk(
            after -> {
              if (++pages[0] == 2) {
                pruneBefore(15); // between the first page and the second
              }
              return after(after, 5);
            },
            head::get);
    assertTrue(verified.problem().isEmpty(), () -> verified.problem().orElseThrow());
    assertEquals(7, verified.checked(), "15 to 20 and the pruning record");
  }

  @Test
  void records_removed_with_no_pruning_are_still_named() {
    for (int i = 0; i < 20; i++) {
      append(AuditEvent.success(AuditAction.SERVICE_STARTED, SYSTEM, null, null).with("n", i));
    }
    log.removeIf(r -> r.seq() == 12);
    AuditVerifier verified = AuditVerifier.walk(after -> after(after, 5), head::get);
    assertEquals(
        "record 12 was removed (record 13 follows record 11)", verified.problem().orElseThrow());
  }
}
