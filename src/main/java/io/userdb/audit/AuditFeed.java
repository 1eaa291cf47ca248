package io.userdb.audit;

import java.util.List;

/**
 * Where records go once the transaction that appended them has committed (never for work rolled
 * back): {@code --audit-log}'s file or standard output. Called on the committing thread, after the
 * commit; must not throw, and should be quick.
 */
@FunctionalInterface
public interface AuditFeed {

  AuditFeed NONE = records -> {};

  /** Records just committed, in chain order. */
  void committed(List<AuditRecord> records);
}
