package io.userdb.audit;

/**
 * The chain's last record as the store keeps it beside the log, updated in the same transaction as
 * every append: {@code seq} 0 and {@link AuditChain#GENESIS} for an empty log. Appends lock it, so
 * concurrent appends from several backends take turns; a record removed from the end, or added
 * after it, no longer matches it.
 */
public record AuditHead(long seq, String hash) {

  public static final AuditHead EMPTY = new AuditHead(0, AuditChain.GENESIS);
}
