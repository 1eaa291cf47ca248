package io.userdb.audit;

import java.time.Instant;

/**
 * Which audit records to read, a page at a time. Null filters match everything.
 *
 * @param user an account or actor name (any letter case), matched as actor or as target
 * @param since records at or after this time
 * @param until records before this time
 * @param beforeSeq newest first, from the record before this one (a keyset page); null for the
 *     newest
 * @param afterSeq oldest first, from the record after this one; used instead of {@code beforeSeq}
 *     when {@code newestFirst} is false
 */
public record AuditQuery(
    String user,
    String action,
    String outcome,
    Instant since,
    Instant until,
    boolean newestFirst,
    long beforeSeq,
    long afterSeq,
    int limit) {

  public AuditQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one record, not " + limit);
    }
  }

  /** Every record, oldest first, after {@code afterSeq}: the chain as it is walked. */
  public static AuditQuery chainAfter(long afterSeq, int limit) {
    return new AuditQuery(null, null, null, null, null, false, Long.MAX_VALUE, afterSeq, limit);
  }

  /** Matching records, newest first, before {@code beforeSeq}. */
  public static AuditQuery newest(
      String user,
      String action,
      String outcome,
      Instant since,
      Instant until,
      long beforeSeq,
      int limit) {
    return new AuditQuery(user, action, outcome, since, until, true, beforeSeq, 0, limit);
  }

  /** Matching records, oldest first, after {@code afterSeq}: an export. */
  public static AuditQuery oldest(
      String user, String action, Instant since, long afterSeq, int limit) {
    return new AuditQuery(user, action, null, since, null, false, Long.MAX_VALUE, afterSeq, limit);
  }
}
