package io.userdb;

import io.userdb.audit.AuditCoalescer;
import io.userdb.audit.AuditEvent;
import io.userdb.db.DatabaseException;
import io.userdb.db.UserDatabasePool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The audit log's housekeeping in a running service: every {@link AuditCoalescer#WINDOW} it records
 * the occurrences the coalescer left out whose window closed, and at stop every one still pending,
 * so the suppressed counts add up.
 */
final class AuditUpkeep {

  private static final Logger LOG = Logger.getLogger(AuditUpkeep.class.getName());

  private final UserDatabasePool pool;
  private final AuditCoalescer coalescer;
  private final Clock clock;

  AuditUpkeep(UserDatabasePool pool, AuditCoalescer coalescer, Clock clock) {
    this.pool = pool;
    this.coalescer = coalescer;
    this.clock = clock;
  }

  void schedule(ScheduledExecutorService executor) {
    long every = AuditCoalescer.WINDOW.toSeconds();
    executor.scheduleWithFixedDelay(() -> record(coalescer.due()), every, every, TimeUnit.SECONDS);
  }

  /** At stop, once no request runs any more. */
  void drain() {
    record(coalescer.drain());
  }

  private void record(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    try (UserDatabasePool.Access access = pool.access()) {
      for (AuditEvent event : events) {
        access.db().appendAudit(event, clock.instant());
      }
    } catch (DatabaseException | IllegalStateException e) {
      LOG.warning(
          "could not record " + events.size() + " coalesced audit events: " + e.getMessage());
    }
  }
}
