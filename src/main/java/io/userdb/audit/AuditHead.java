package io.userdb.audit;

/**
 * The chain's ends as the store keeps them beside the log. {@code seq}/{@code hash}: its last
 * record, updated in the same transaction as every append ({@code 0} and {@link AuditChain#GENESIS}
 * for an empty log); appends lock it, so concurrent appends from several backends take turns, and a
 * record removed from the end, or added after it, no longer matches it. {@code firstSeq}/{@code
 * firstPrevHash}: the anchor the chain starts from, its first kept record and the hash that record
 * links to ({@code 1} and the genesis until records are pruned); only the pruning transaction moves
 * it, and the pruning record it appends names it, so {@code verify} walks from there.
 */
public record AuditHead(long seq, String hash, long firstSeq, String firstPrevHash) {

  public static final AuditHead EMPTY = new AuditHead(0, AuditChain.GENESIS);

  /** A head whose chain starts at record 1. */
  public AuditHead(long seq, String hash) {
    this(seq, hash, 1, AuditChain.GENESIS);
  }

  /** Whether records were pruned: the chain starts after record 1. */
  public boolean pruned() {
    return firstSeq > 1;
  }
}
