package io.userdb;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditLogFile;
import io.userdb.audit.AuditOrigin;
import io.userdb.db.UserDatabasePool;
import io.userdb.db.UserStore;
import io.userdb.failure.StartupException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The audit log's housekeeping in a running service: every {@link AuditCoalescer#WINDOW} it records
 * the occurrences the coalescer left out whose window closed, and at stop every one still pending,
 * so the suppressed counts add up; at start and every {@link #PRUNE_EVERY} it prunes the records
 * older than the retention (each backend does; one that finds nothing to prune records nothing).
 */
final class AuditUpkeep {

  private static final Logger LOG = Logger.getLogger(AuditUpkeep.class.getName());

  static final Duration PRUNE_EVERY = Duration.ofDays(1);

  private final UserDatabasePool pool;
  private final AuditCoalescer coalescer;
  private final Clock clock;
  private final Duration retention;
  private final AuditOrigin self;

  AuditUpkeep(
      UserDatabasePool pool,
      AuditCoalescer coalescer,
      Clock clock,
      Duration retention,
      AuditOrigin self) {
    this.pool = pool;
    this.coalescer = coalescer;
    this.clock = clock;
    this.retention = retention;
    this.self = self;
  }

  void schedule(ScheduledExecutorService executor) {
    long every = AuditCoalescer.WINDOW.toSeconds();
    executor.scheduleWithFixedDelay(() -> record(coalescer.due()), every, every, TimeUnit.SECONDS);
    executor.scheduleWithFixedDelay(this::prune, 0, PRUNE_EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  /** Removes the records older than the retention; a failure waits for the next day. */
  void prune() {
    Instant now = clock.instant();
    try (UserDatabasePool.Access access = pool.access()) {
      int pruned = access.db().pruneAudit(now.minus(retention), now, self);
      if (pruned > 0) {
        LOG.info("pruned " + pruned + " audit records older than " + retention);
      }
    } catch (RuntimeException e) { // anything: a scheduled task that throws never runs again
      LOG.warning("could not prune the audit log: " + e);
    }
  }

  /**
   * {@code --audit-log}: the file (or standard output) every record committed through {@code
   * store}'s objects is also written to, set before any is opened; null when not asked for.
   */
  static AuditLogFile openLog(String target, UserStore store) {
    if (target == null || target.isBlank()) {
      return null;
    }
    try {
      AuditLogFile file = AuditLogFile.open(target.strip());
      store.feedAuditTo(file);
      return file;
    } catch (IOException e) {
      throw new StartupException("cannot open audit-log " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * An AJP request refused by the connector, from {@code peer} (the socket's, not a claimed
   * address): recorded through the coalescer, since anyone who reaches the port can send them at
   * packet rate. The secret offered is never seen here.
   */
  void refusedAjp(String peer) {
    AuditEvent event =
        AuditEvent.failure(
            AuditAction.AJP_REQUEST_REFUSED, AuditOrigin.anonymous(peer, self.route()), null, null);
    coalescer.record(event, "ajp", recorded -> record(List.of(recorded)));
  }

  /** At stop, once no request runs any more. */
  void drain() {
    record(coalescer.drain());
  }

  /** After the last record: closes the audit-log file. */
  static void closeLog(AuditLogFile logFile) {
    if (logFile != null) {
      logFile.close();
    }
  }

  private void record(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    try (UserDatabasePool.Access access = pool.access()) {
      for (AuditEvent event : events) {
        access.db().appendAudit(event, clock.instant());
      }
    } catch (RuntimeException e) { // anything: a scheduled task that throws never runs again
      LOG.warning("could not record " + events.size() + " coalesced audit events: " + e);
    }
  }
}
