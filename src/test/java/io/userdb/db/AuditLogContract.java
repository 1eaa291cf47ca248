package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.audit.AuditAction;
import io.userdb.audit.AuditChain;
import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditOrigin;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import io.userdb.audit.AuditVerifier;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every kind of store promises of the audit log, on a real database (SQLite: {@code
 * SqliteAuditLogTest}; PostgreSQL: {@code PostgresAuditLogIT}): each change records its events in
 * its own transaction, appends from many connections at once keep one intact chain, SQL that goes
 * by the rules cannot change or remove a record, and one that lifts the guard is caught by verify,
 * which names the record.
 */
@Timeout(120)
public abstract class AuditLogContract {

  /** Days before any run: pruning may only remove records a day old by the database's clock. */
  private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

  private static final AuditOrigin CLI = AuditOrigin.cli("operator");
  private final List<UserDatabase> opened = new ArrayList<>();
  private UserStore store;
  private UserDatabase db;

  /** A new, empty store of the kind under test. */
  protected abstract UserStore newStore() throws Exception;

  /** Runs {@code sql} on the store as its owner, with no help from userdb. */
  protected abstract void asOwner(String sql) throws SQLException;

  /**
   * As {@link #asOwner}, after lifting the append-only guard as an intruder with the file would.
   */
  protected abstract void asIntruder(String sql) throws SQLException;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    db = open();
  }

  @AfterEach
  void closeObjects() {
    opened.forEach(UserDatabase::close);
    store.close();
  }

  private UserDatabase open() {
    UserDatabase object = store.open();
    opened.add(object);
    return object;
  }

  protected List<AuditRecord> all() {
    return db.findAudit(AuditQuery.chainAfter(0, 10_000));
  }

  protected AuditVerifier verify() {
    return AuditVerifier.walk(
        after -> db.findAudit(AuditQuery.chainAfter(after, 7)), db::auditHead);
  }

  private static NewUser user(String name, String... roles) {
    return new NewUser(name, "$argon2id$hash-of-" + name, "", "", Set.of(roles));
  }

  @Test
  void an_empty_log_verifies_and_its_head_is_the_genesis() {
    assertEquals(AuditHead.EMPTY, db.auditHead());
    assertTrue(verify().problem().isEmpty());
  }

  @Test
  void each_change_records_its_events_linked_into_one_chain() {
    User ann = db.createUser(user("ann", "user"), T0, CLI);
    db.createUser(user("root", "admin", "user"), T0, CLI);
    db.updateProfile("ann", new ProfileChange(null, null, Set.of("user", "admin"), null), T0, CLI);
    db.createSession("a".repeat(64), ann.id(), T0, T0.plusSeconds(60), T0.plusSeconds(60), 20);
    db.updateProfile("ann", ProfileChange.disabled(true), T0, CLI);
    db.deleteUser("ann", T0, CLI);

    List<AuditRecord> records = all();
    assertEquals(
        List.of(
            "user.created",
            "user.created",
            "user.updated",
            "user.disabled",
            "session.ended",
            "user.deleted"),
        records.stream().map(AuditRecord::action).toList());
    AuditRecord promoted = records.get(2);
    assertEquals("ann", promoted.targetName());
    assertEquals(ann.id(), promoted.targetId());
    assertEquals("cli:operator", promoted.actorName());
    assertEquals(
        "{\"changed\":[\"roles\"],\"roles_from\":[\"user\"],\"roles_to\":[\"admin\",\"user\"]}",
        promoted.fields());
    assertEquals("{\"reason\":\"user_disabled\",\"count\":1}", records.get(4).fields());
    assertEquals(AuditChain.GENESIS, records.get(0).prevHash());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(i + 1, records.get(i).seq());
      assertEquals(AuditChain.hashOf(records.get(i)), records.get(i).hash());
      if (i > 0) {
        assertEquals(records.get(i - 1).hash(), records.get(i).prevHash());
      }
    }
    assertEquals(new AuditHead(6, records.get(5).hash()), db.auditHead());
    assertTrue(verify().problem().isEmpty(), () -> verify().problem().orElseThrow());
  }

  @Test
  void a_change_refused_records_nothing_as_it_changes_nothing() {
    db.createUser(user("root", "admin"), T0, CLI);
    int before = all().size();
    assertThrows(LastAdminException.class, () -> db.deleteUser("root", T0, CLI));
    assertThrows(DuplicateUserException.class, () -> db.createUser(user("ROOT"), T0, CLI));
    assertFalse(db.deleteUser("nobody", T0, CLI));
    assertEquals(before, all().size());
    assertEquals(before, db.auditHead().seq());
  }

  @Test
  void a_lock_is_recorded_in_the_transaction_that_sets_it() {
    User ann = db.createUser(user("ann", "user"), T0, null);
    AuditEvent onLock =
        AuditEvent.success(
            AuditAction.USER_LOCKED, AuditOrigin.anonymous("192.0.2.7", "n1"), ann.id(), "ann");
    db.reserveLoginAttempt(ann.id(), T0, n -> Instant.EPOCH, onLock);
    assertEquals(0, all().size(), "no lock, no record");
    db.reserveLoginAttempt(ann.id(), T0, n -> T0.plusSeconds(30), onLock);
    AuditRecord locked = all().get(0);
    assertEquals("user.locked", locked.action());
    assertEquals("192.0.2.7", locked.clientAddress());
    assertEquals("n1", locked.route());
    assertEquals("{\"attempts\":2,\"locked_until\":\"2026-01-05T08:00:30Z\"}", locked.fields());
  }

  @Test
  void a_lock_that_ran_out_is_recorded_once_by_the_attempt_that_notices_it() {
    User ann = db.createUser(user("ann", "user"), T0, null);
    AuditOrigin from = AuditOrigin.anonymous("192.0.2.7", "n1");
    AuditEvent onLock = AuditEvent.success(AuditAction.USER_LOCKED, from, ann.id(), "ann");
    Instant until = T0.plusSeconds(30);
    db.reserveLoginAttempt(ann.id(), T0, n -> until, onLock);
    assertFalse(
        db.reserveLoginAttempt(ann.id(), T0.plusSeconds(29), n -> until, onLock).reserved());
    long head = db.auditHead().seq();
    db.reserveLoginAttempt(ann.id(), T0.plusSeconds(31), n -> Instant.EPOCH, onLock);
    db.reserveLoginAttempt(ann.id(), T0.plusSeconds(32), n -> Instant.EPOCH, onLock);
    List<AuditRecord> after = db.findAudit(AuditQuery.chainAfter(head, 10));
    assertEquals(1, after.size(), "once: " + after);
    assertEquals("user.unlocked", after.get(0).action());
    assertEquals("ann", after.get(0).targetName());
    assertEquals(
        "{\"reason\":\"expired\",\"locked_until\":\"" + until + "\"}", after.get(0).fields());

    AuditEvent onAddressLock = AuditEvent.success(AuditAction.ADDRESS_LOCKED, from, null, null);
    db.reserveLimitedAttempt("address:192.0.2.7", T0, Instant.EPOCH, n -> until, onAddressLock);
    head = db.auditHead().seq();
    db.reserveLimitedAttempt(
        "address:192.0.2.7", T0.plusSeconds(31), Instant.EPOCH, n -> Instant.EPOCH, onAddressLock);
    db.reserveLimitedAttempt(
        "address:192.0.2.7", T0.plusSeconds(32), Instant.EPOCH, n -> Instant.EPOCH, onAddressLock);
    List<AuditRecord> address = db.findAudit(AuditQuery.chainAfter(head, 10));
    assertEquals(1, address.size(), "once: " + address);
    assertEquals("address.unlocked", address.get(0).action());
    assertEquals("192.0.2.7", address.get(0).clientAddress());
  }

  @Test
  void appends_from_many_connections_at_once_keep_one_chain() throws Exception {
    int threads = 6;
    int each = 25;
    List<UserDatabase> objects = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      objects.add(open());
    }
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        UserDatabase object = objects.get(t);
        int thread = t;
        pool.execute(
            () -> {
              try {
                start.await();
                for (int i = 0; i < each; i++) {
                  if (i % 5 == 0) {
                    object.createUser(user("u" + thread + "x" + i, "user"), T0, CLI);
                  } else {
                    object.appendAudit(
                        AuditEvent.failure(AuditAction.USER_LOGIN, CLI, null, "t" + thread)
                            .with("i", i),
                        T0);
                  }
                }
              } catch (Throwable e) {
                failures.add(e);
              }
            });
      }
      start.countDown();
      pool.shutdown();
      assertTrue(pool.awaitTermination(100, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertTrue(failures.isEmpty(), () -> "workers failed: " + failures);
    AuditVerifier verified = verify();
    assertTrue(verified.problem().isEmpty(), () -> verified.problem().orElseThrow());
    assertEquals(threads * each, verified.checked());
  }

  @Test
  void sql_that_goes_by_the_rules_can_neither_change_nor_remove_a_record() {
    db.appendAudit(AuditEvent.success(AuditAction.SERVICE_STARTED, CLI, null, null), T0);
    assertThrows(SQLException.class, () -> asOwner("UPDATE audit_log SET outcome = 'failure'"));
    assertThrows(SQLException.class, () -> asOwner("DELETE FROM audit_log"));
    assertTrue(verify().problem().isEmpty());
  }

  @Test
  void a_session_that_ended_by_time_is_recorded_once_when_noticed_naming_its_end() {
    User kim = db.createUser(user("kim"), T0);
    Instant expires = T0.plusSeconds(3600);
    db.createSession("idle", kim.id(), T0, expires, T0.plusSeconds(60), 20);
    db.createSession("old", kim.id(), T0, expires, expires, 20);
    AuditOrigin noticer = AuditOrigin.anonymous("192.0.2.7", "b1");
    long head = db.auditHead().seq();

    assertFalse(
        db.endExpiredSession("idle", T0.plusSeconds(59), Instant.EPOCH, noticer), "still live");
    assertFalse(db.endExpiredSession("nobody-holds-this", expires, Instant.EPOCH, noticer));
    assertEquals(head, db.auditHead().seq(), "nothing recorded");
    assertTrue(db.endExpiredSession("idle", T0.plusSeconds(60), Instant.EPOCH, noticer));
    assertFalse(db.endExpiredSession("idle", T0.plusSeconds(61), Instant.EPOCH, noticer), "once");
    assertTrue(db.endExpiredSession("old", expires, Instant.EPOCH, noticer));

    db.createSession("shortened", kim.id(), T0, expires, expires, 20);
    assertFalse(db.endExpiredSession("shortened", T0.plusSeconds(10), T0.minusSeconds(1), noticer));
    assertTrue( // idle by a timeout set shorter since it began, its stored end still ahead
        db.endExpiredSession("shortened", T0.plusSeconds(10), T0.plusSeconds(5), noticer));
    List<AuditRecord> ended = db.findAudit(AuditQuery.chainAfter(head, 10));
    assertEquals(3, ended.size(), ended.toString());
    assertTrue(ended.get(2).fields().contains("\"expired\":\"idle\""), ended.get(2).fields());
    for (AuditRecord r : ended) {
      assertEquals("session.ended", r.action());
      assertEquals("anonymous", r.actorName());
      assertEquals(kim.id(), r.targetId());
      assertEquals("kim", r.targetName());
      assertEquals("192.0.2.7", r.clientAddress());
    }
    assertTrue(ended.get(0).fields().contains("\"expired\":\"idle\""), ended.get(0).fields());
    assertTrue(ended.get(1).fields().contains("\"expired\":\"max_age\""), ended.get(1).fields());
    assertTrue(db.findSession("old", T0).isEmpty(), "the row went with the record");
  }

  @Test
  void sql_by_the_rules_can_put_a_record_only_at_the_head() {
    fiveRecords();
    AuditEvent forgery = AuditEvent.success(AuditAction.USER_LOGIN, CLI, null, "mallory");
    AuditRecord before = AuditRecord.next(0, T0, forgery, AuditChain.GENESIS);
    assertThrows(SQLException.class, () -> asOwner(insert(before)));
    AuditRecord unlinked = AuditRecord.next(6, T0, forgery, AuditChain.GENESIS);
    assertThrows(SQLException.class, () -> asOwner(insert(unlinked)));
    assertTrue(verify().problem().isEmpty(), () -> verify().problem().orElseThrow());
  }

  @Test
  void sql_by_the_rules_cannot_move_the_start_over_records_less_than_a_day_old() {
    Instant recent = Instant.now().minus(java.time.Duration.ofHours(22));
    for (int i = 1; i <= 5; i++) {
      db.appendAudit(AuditEvent.success(AuditAction.SERVICE_STARTED, CLI, null, null), recent);
    }
    AuditRecord third = all().get(2);
    assertThrows(
        SQLException.class,
        () ->
            asOwner(
                "UPDATE audit_head SET first_seq = 3, first_prev_hash = '"
                    + third.prevHash()
                    + "'"));
    assertThrows(
        RuntimeException.class,
        () -> db.pruneAudit(recent.plusSeconds(1), Instant.now(), CLI, 2),
        "nor a pruning told to");
    assertEquals(5, all().size());
  }

  /** A record put at the head by hand moves it: verify names it, and appends go on. */
  @Test
  void a_record_forged_at_the_head_is_named_and_does_not_stop_appends() throws Exception {
    fiveRecords();
    AuditRecord last = all().get(4);
    AuditRecord forged =
        AuditRecord.next(
            6, T0, AuditEvent.success(AuditAction.USER_LOGIN, CLI, null, "x"), last.hash());
    asOwner(insert(forged).replace("'" + forged.hash() + "')", "'junk')"));
    db.appendAudit(AuditEvent.success(AuditAction.SERVICE_STARTED, CLI, null, null), T0);
    assertEquals(7, db.auditHead().seq());
    assertEquals(
        "record 6 was changed (its hash does not match its content)",
        verify().problem().orElseThrow());
  }

  @Test
  void the_head_is_one_row_for_good_and_moves_only_with_the_chain() {
    fiveRecords();
    AuditRecord third = all().get(2);
    for (String sql :
        List.of(
            "DELETE FROM audit_head",
            "UPDATE audit_head SET id = 2",
            "UPDATE audit_head SET last_seq = 3",
            "UPDATE audit_head SET last_seq = 3, last_hash = '" + third.hash() + "'",
            "UPDATE audit_head SET last_hash = '" + third.hash() + "'",
            "UPDATE audit_head SET last_seq = 6",
            "UPDATE audit_head SET first_prev_hash = '" + third.hash() + "'",
            "UPDATE audit_head SET first_seq = 3, first_prev_hash = '" + third.hash() + "'")) {
      assertThrows(SQLException.class, () -> asOwner(sql), sql);
    }
    db.appendAudit(AuditEvent.success(AuditAction.SERVICE_STARTED, CLI, null, null), T0);
    AuditVerifier verified = verify();
    assertTrue(verified.problem().isEmpty(), () -> verified.problem().orElseThrow());
    assertEquals(6, verified.checked());
  }

  protected void fiveRecords() {
    for (int i = 1; i <= 5; i++) {
      db.appendAudit(
          AuditEvent.failure(AuditAction.USER_LOGIN, CLI, null, "mallory").with("try", i), T0);
    }
  }

  @Test
  void verify_names_a_record_changed_behind_its_back() throws Exception {
    fiveRecords();
    asIntruder("UPDATE audit_log SET outcome = 'success' WHERE seq = 3");
    assertEquals(
        "record 3 was changed (its hash does not match its content)",
        verify().problem().orElseThrow());
  }

  @Test
  void verify_names_a_record_changed_with_its_own_hash_made_anew() throws Exception {
    fiveRecords();
    AuditRecord third = all().get(2);
    AuditRecord forged =
        AuditRecord.next(
            3,
            T0,
            AuditEvent.success(AuditAction.USER_LOGIN, CLI, null, "mallory"),
            third.prevHash());
    asIntruder(
        "UPDATE audit_log SET outcome = 'success', fields = '{}', hash = '"
            + forged.hash()
            + "' WHERE seq = 3");
    assertEquals(
        "record 3 was changed or replaced (record 4 does not link to it)",
        verify().problem().orElseThrow());
  }

  @Test
  void verify_names_a_record_removed_from_the_middle_or_the_end() throws Exception {
    fiveRecords();
    asIntruder("DELETE FROM audit_log WHERE seq = 2");
    assertEquals(
        "record 2 was removed (record 3 follows record 1)", verify().problem().orElseThrow());
  }

  @Test
  void verify_names_a_record_removed_from_the_end() throws Exception {
    fiveRecords();
    asIntruder("DELETE FROM audit_log WHERE seq = 5");
    assertEquals(
        "record 5 was removed (the log ends at record 4, its head says 5)",
        verify().problem().orElseThrow());
  }

  @Test
  void verify_names_a_record_inserted_after_the_head() throws Exception {
    fiveRecords();
    AuditRecord last = all().get(4);
    AuditRecord forged =
        AuditRecord.next(
            6, T0, AuditEvent.success(AuditAction.USER_LOGIN, CLI, null, "mallory"), last.hash());
    asIntruder(insert(forged));
    assertEquals(
        "record 6 was inserted (after the head, record 5)", verify().problem().orElseThrow());
  }

  @Test
  void verify_names_a_record_inserted_before_the_first() throws Exception {
    fiveRecords();
    AuditRecord forged =
        AuditRecord.next(
            0,
            T0,
            AuditEvent.success(AuditAction.USER_LOGIN, CLI, null, "mallory"),
            AuditChain.GENESIS);
    asIntruder(insert(forged));
    assertEquals("record 0 was inserted (before record 1)", verify().problem().orElseThrow());
  }

  // ---- retention ---------------------------------------------------------------------------

  private static final Instant T10 = T0.plus(java.time.Duration.ofDays(10));

  /**
   * Records 1-5 ten days old, 6 new, then 1-5 pruned: the chain starts at 6; 7 records the pruning.
   */
  private AuditRecord pruneTheOldFive() {
    fiveRecords();
    db.appendAudit(AuditEvent.failure(AuditAction.USER_LOGIN, CLI, null, "late"), T10);
    assertEquals(5, db.pruneAudit(T0.plusSeconds(1), T10, CLI));
    List<AuditRecord> kept = all();
    assertEquals(List.of(6L, 7L), kept.stream().map(AuditRecord::seq).toList());
    return kept.get(1);
  }

  @Test
  void pruning_records_what_it_removed_and_the_chain_verifies_from_the_first_kept_record()
      throws Exception {
    AuditRecord pruning = pruneTheOldFive();
    AuditRecord sixth = all().get(0);
    assertEquals("audit.pruned", pruning.action());
    assertEquals("cli:operator", pruning.actorName());
    assertEquals(
        "{\"pruned\":5,\"through_seq\":5,\"before\":\""
            + T0.plusSeconds(1)
            + "\",\"kept_from\":6,\"anchor\":\""
            + sixth.prevHash()
            + "\"}",
        pruning.fields());
    AuditHead head = db.auditHead();
    assertEquals(6, head.firstSeq());
    assertEquals(sixth.prevHash(), head.firstPrevHash());
    AuditVerifier verifier = verify();
    assertTrue(verifier.problem().isEmpty(), verifier.problem().toString());
    assertEquals(2, verifier.checked());
    assertEquals(0, db.pruneAudit(T0.plusSeconds(1), T10, CLI), "nothing older left");
    assertEquals(2, all().size(), "a pruning that removes nothing records nothing");
  }

  @Test
  void pruning_goes_a_batch_a_transaction_each_recorded_and_the_chain_verifies_after_each() {
    fiveRecords();
    db.appendAudit(AuditEvent.failure(AuditAction.USER_LOGIN, CLI, null, "late"), T10);
    assertEquals(5, db.pruneAudit(T0.plusSeconds(1), T10, CLI, 2));
    List<AuditRecord> kept = all();
    assertEquals(List.of(6L, 7L, 8L, 9L), kept.stream().map(AuditRecord::seq).toList());
    List<String> keptFrom = new ArrayList<>();
    for (AuditRecord pruning : kept.subList(1, 4)) {
      assertEquals("audit.pruned", pruning.action());
      keptFrom.add(pruning.fields().replaceAll(".*\"kept_from\":(\\d+).*", "$1"));
    }
    assertEquals(List.of("3", "5", "6"), keptFrom);
    AuditVerifier verified = verify();
    assertTrue(verified.problem().isEmpty(), () -> verified.problem().orElseThrow());
  }

  @Test
  void pruning_every_record_anchors_on_the_last_hash_and_verifies() {
    fiveRecords();
    String lastHash = db.auditHead().hash();
    assertEquals(5, db.pruneAudit(T10, T10, CLI));
    List<AuditRecord> kept = all();
    assertEquals(1, kept.size());
    assertEquals(6, kept.get(0).seq());
    assertEquals(lastHash, kept.get(0).prevHash());
    assertTrue(verify().problem().isEmpty(), verify().problem().toString());
  }

  @Test
  void after_pruning_sql_by_the_rules_can_neither_remove_a_kept_record_nor_move_the_start_back() {
    pruneTheOldFive();
    assertThrows(SQLException.class, () -> asOwner("DELETE FROM audit_log WHERE seq = 6"));
    assertThrows(SQLException.class, () -> asOwner("UPDATE audit_head SET first_seq = 1"));
    assertTrue(verify().problem().isEmpty());
  }

  @Test
  void after_pruning_verify_names_a_record_changed() throws Exception {
    pruneTheOldFive();
    asIntruder("UPDATE audit_log SET outcome = 'success' WHERE seq = 6");
    assertEquals(
        "record 6 was changed (its hash does not match its content)",
        verify().problem().orElseThrow());
  }

  @Test
  void after_pruning_verify_names_the_first_kept_record_removed() throws Exception {
    pruneTheOldFive();
    asIntruder("DELETE FROM audit_log WHERE seq = 6");
    assertEquals(
        "record 6 was removed (record 7 follows record 5)", verify().problem().orElseThrow());
  }

  @Test
  void verify_names_records_removed_by_moving_the_start_without_a_pruning_record()
      throws Exception {
    fiveRecords();
    AuditRecord third = all().get(2);
    asOwner("UPDATE audit_head SET first_seq = 3, first_prev_hash = '" + third.prevHash() + "'");
    asOwner("DELETE FROM audit_log WHERE seq < 3"); // the guard lets records before the start go
    assertEquals(
        "records before 3 were removed (the log starts there, but no pruning record says so)",
        verify().problem().orElseThrow());
  }

  protected static String insert(AuditRecord r) {
    return "INSERT INTO audit_log (seq, occurred_at, action, category, outcome, actor_id,"
        + " actor_name, target_id, target_name, client_address, route, fields, prev_hash, hash)"
        + " VALUES ("
        + r.seq()
        + ", "
        + r.at()
        + ", '"
        + r.action()
        + "', '"
        + r.category()
        + "', '"
        + r.outcome()
        + "', NULL, '"
        + r.actorName()
        + "', NULL, '"
        + r.targetName()
        + "', NULL, '', '"
        + r.fields()
        + "', '"
        + r.prevHash()
        + "', '"
        + r.hash()
        + "')";
  }
}
