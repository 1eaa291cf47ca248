package io.userdb.db;

import io.userdb.audit.AuditEvent;
import io.userdb.audit.AuditHead;
import io.userdb.audit.AuditOrigin;
import io.userdb.audit.AuditQuery;
import io.userdb.audit.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The user store as the rest of userdb sees it: users, their credentials and their sessions.
 *
 * <p>An instance owns one database connection and is <b>not</b> thread-safe: request handlers
 * borrow one from {@link UserDatabasePool} for the length of a request and give it back. Every
 * write runs in its own transaction, so concurrent writers queue on the store's locks instead of
 * failing. A {@link UserStore} opens them; each kind of store implements this in its own package.
 *
 * <p>Names are matched case-insensitively. Methods throw {@link DatabaseException} when the
 * database cannot be used; after that {@link #isBroken()} tells whether the object must be
 * discarded.
 *
 * <p>Every change is recorded in the store's audit log (io.userdb.audit) in the transaction that
 * makes it, so the log and the data cannot disagree: a method that changes data takes the {@link
 * AuditOrigin} that asks for it (and composes the event from what it changed), or the {@link
 * AuditEvent} to record with it. The shorter forms without one record nothing: they are for tests
 * of the store alone and tools that keep no log.
 */
public interface UserDatabase extends AutoCloseable {

  Optional<User> findUser(String username);

  long countUsers();

  boolean hasAdmin();

  /** Users whose name starts with {@code prefix} (case-insensitive), ordered by name. */
  UserPage listUsers(String prefix, int offset, int limit);

  /**
   * Up to {@code limit} users whose name sorts after {@code afterName}'s, ignoring case ("" for the
   * first), in that order: a walk through every user that costs the same at any depth (a copy),
   * where an offset would read and skip every row before it.
   */
  List<User> usersAfter(String afterName, int limit);

  /**
   * @throws DuplicateUserException if the name is taken in any letter case
   */
  User createUser(NewUser user, Instant now, AuditOrigin origin);

  /** As the audited form, recording nothing. */
  default User createUser(NewUser user, Instant now) {
    return createUser(user, now, null);
  }

  /**
   * Creates many users in one transaction (a bulk import): all or none.
   *
   * @return how many were created
   * @throws DuplicateUserException if any name is taken, and then none is created
   */
  int createUsers(Iterable<NewUser> users, Instant now, AuditOrigin origin);

  /** As the audited form, recording nothing. */
  default int createUsers(Iterable<NewUser> users, Instant now) {
    return createUsers(users, now, null);
  }

  /**
   * Writes users exactly as another store holds them (hash, roles, disabled, lockout state, times),
   * in one transaction: a user of the same name in any letter case is overwritten, others are
   * added. Copying the same users twice leaves the same state. Sessions are not copied.
   *
   * @param event recorded with how many were written ({@code count}); null for none
   * @return how many were written
   */
  int copyInUsers(List<User> users, Instant now, AuditEvent event);

  /** As the audited form, recording nothing. */
  default int copyInUsers(List<User> users) {
    return copyInUsers(users, Instant.now(), null);
  }

  /**
   * @return the updated user, or empty if there is no such user
   * @throws LastAdminException if the change would leave no enabled admin; checked in the change's
   *     own transaction, so concurrent changes cannot both pass, and nothing is changed
   */
  Optional<User> updateProfile(
      String username, ProfileChange change, Instant now, AuditOrigin origin);

  /** As the audited form, recording nothing. */
  default Optional<User> updateProfile(String username, ProfileChange change, Instant now) {
    return updateProfile(username, change, now, null);
  }

  /** Replaces the hash and revokes every session of the user but {@code keepSessionHash}. */
  boolean changePassword(
      String username,
      String passwordHash,
      String keepSessionHash,
      Instant now,
      AuditOrigin origin);

  /** As the audited form, recording nothing. */
  default boolean changePassword(
      String username, String passwordHash, String keepSessionHash, Instant now) {
    return changePassword(username, passwordHash, keepSessionHash, now, null);
  }

  /**
   * Replaces the hash after a legacy hash was verified; touches nothing else. {@code event} is
   * recorded if the hash was replaced.
   */
  void upgradePasswordHash(
      long userId, String oldHash, String newHash, Instant now, AuditEvent event);

  /** As the audited form, recording nothing. */
  default void upgradePasswordHash(long userId, String oldHash, String newHash) {
    upgradePasswordHash(userId, oldHash, newHash, Instant.now(), null);
  }

  /**
   * Deletes the user and, by cascade, their sessions.
   *
   * @throws LastAdminException as {@link #updateProfile} does
   */
  boolean deleteUser(String username, Instant now, AuditOrigin origin);

  /** As the audited form, recording nothing. */
  default boolean deleteUser(String username) {
    return deleteUser(username, Instant.now(), null);
  }

  /**
   * Counts a password check before it runs, atomically across threads and processes: unless the
   * account is locked at {@code now}, adds one to its consecutive failures and sets the lock {@code
   * lockFor} gives for the new count. Parallel guesses thus each take a number, and those past the
   * policy's threshold find the account locked without hashing anything.
   *
   * @param lockFor the lock's end for a count of consecutive failures ({@link Instant#EPOCH}: none)
   * @param onLock recorded, with the count and the lock's end, if this attempt sets a lock
   */
  LoginAttempt reserveLoginAttempt(
      long userId, Instant now, IntFunction<Instant> lockFor, AuditEvent onLock);

  /** As the audited form, recording nothing. */
  default LoginAttempt reserveLoginAttempt(long userId, Instant now, IntFunction<Instant> lockFor) {
    return reserveLoginAttempt(userId, now, lockFor, null);
  }

  /**
   * The password matched: the reserved attempt and the ones before it are forgiven, and {@code
   * event} (the sign-in) is recorded. A lock the attempt's own reservation set (it took the last
   * one the policy allows, and so refused those sent meanwhile) is lifted with them, and recorded
   * as {@code user.unlocked}: a right password locks nobody out.
   */
  void recordLoginSuccess(long userId, Instant now, AuditEvent event);

  /** As the audited form, recording nothing. */
  default void recordLoginSuccess(long userId) {
    recordLoginSuccess(userId, Instant.now(), null);
  }

  /**
   * As {@link #reserveLoginAttempt}, for a limit kept by {@code key} rather than by account (a
   * client address, a name with no account), shared by every process on the store, so N backends do
   * not give an attacker N times the attempts: unless the key is locked at {@code now}, adds one to
   * its count (starting over if its last attempt was before {@code forgetBefore}) and sets the lock
   * {@code lockFor} gives for the new count.
   */
  LoginAttempt reserveLimitedAttempt(
      String key,
      Instant now,
      Instant forgetBefore,
      IntFunction<Instant> lockFor,
      AuditEvent onLock);

  /** As the audited form, recording nothing. */
  default LoginAttempt reserveLimitedAttempt(
      String key, Instant now, Instant forgetBefore, IntFunction<Instant> lockFor) {
    return reserveLimitedAttempt(key, now, forgetBefore, lockFor, null);
  }

  /**
   * The check reserved under {@code key} succeeded: it does not count. A lock set before it stays;
   * the one its own reservation set ({@code lockSet}, as {@link LoginAttempt#lockedUntil()} gave
   * it) is lifted, recorded as {@code onUnlock} with {@code reason: signed_in}.
   */
  void releaseLimitedAttempt(String key, Instant lockSet, Instant now, AuditEvent onUnlock);

  /** As the audited form, for an attempt that set no lock. */
  default void releaseLimitedAttempt(String key) {
    releaseLimitedAttempt(key, Instant.EPOCH, Instant.now(), null);
  }

  /** Ends the limit kept under {@code key} (a name that now has an account). */
  void forgetLimit(String key);

  /**
   * Drops limits that are not locked at {@code now} and were last used before {@code unusedSince}.
   */
  int deleteStaleLimits(Instant now, Instant unusedSince);

  /**
   * Starts a session and, in the same transaction, ends the user's oldest ones beyond {@code
   * keepAtMost} (this one included). A session ends at the earlier of {@code expiresAt} (its
   * absolute lifetime) and {@code idleEndsAt} (when it ends unless used again): one stored, indexed
   * end, which every read and sweep compares with. {@code event} is recorded, and the sessions
   * ended to keep the cap with it.
   */
  void createSession(
      String tokenHash,
      long userId,
      Instant now,
      Instant expiresAt,
      Instant idleEndsAt,
      int keepAtMost,
      AuditEvent event);

  /** As the audited form, recording nothing. */
  default void createSession(
      String tokenHash,
      long userId,
      Instant now,
      Instant expiresAt,
      Instant idleEndsAt,
      int keepAtMost) {
    createSession(tokenHash, userId, now, expiresAt, idleEndsAt, keepAtMost, null);
  }

  /** A session whose end is after {@code now}, joined with its user. */
  Optional<SessionRecord> findSession(String tokenHash, Instant now);

  /**
   * The session was used at {@code now}: it ends at {@code idleEndsAt}, or its expiry if sooner.
   */
  void touchSession(String tokenHash, Instant now, Instant idleEndsAt);

  /** Ends a session; {@code event} is recorded if there was one, naming its user. */
  boolean deleteSession(String tokenHash, Instant now, AuditEvent event);

  /** As the audited form, recording nothing. */
  default boolean deleteSession(String tokenHash) {
    return deleteSession(tokenHash, Instant.now(), null);
  }

  /**
   * Deletes the session {@code tokenHash} names if it ended by time at or before {@code now} (idle
   * or past its expiry), or was last used at or before {@code idleSince} (an idle timeout set
   * shorter since it began), recording {@code session.ended} as {@code origin}'s notice, naming its
   * user and which end it reached. False, and nothing written, if there is no such session: a token
   * nobody holds costs a read.
   */
  boolean endExpiredSession(String tokenHash, Instant now, Instant idleSince, AuditOrigin origin);

  /** Deletes the sessions that ended at or before {@code now}, recording how many as expired. */
  int deleteExpiredSessions(Instant now, AuditOrigin origin);

  /** As the audited form, recording nothing. */
  default int deleteExpiredSessions(Instant now) {
    return deleteExpiredSessions(now, null);
  }

  // ---- the audit log -------------------------------------------------------------------------

  /** Records an event that comes with no change (a refused sign-in, a start), on its own. */
  void appendAudit(AuditEvent event, Instant now);

  /**
   * Removes the audit records older than {@code before}, at most {@code batch} a transaction (a
   * year's first day may be a million records, and a long write would hold every other up), each
   * keeping the chain verifiable from the first kept record (the anchor in {@link AuditHead}) and
   * recording its pruning (how many, through which record, the hash it anchored on) as {@code
   * origin}'s. Nothing happens, and nothing is recorded, when no record is that old.
   *
   * @return how many records were removed
   */
  int pruneAudit(Instant before, Instant now, AuditOrigin origin, int batch);

  /** As {@link #pruneAudit(Instant, Instant, AuditOrigin, int)}, ten thousand a transaction. */
  default int pruneAudit(Instant before, Instant now, AuditOrigin origin) {
    return pruneAudit(before, now, origin, 10_000);
  }

  /** One page of audit records, as {@code query} orders them. */
  List<AuditRecord> findAudit(AuditQuery query);

  /** The chain's head: its last record as the store keeps it beside the log. */
  AuditHead auditHead();

  /**
   * A number that changes whenever the stored data may have changed: it moves after every commit
   * made through any object of this process on the same store, and once one of them sees a commit
   * made elsewhere (another process on the store). Two calls, on any objects of one process on one
   * store, that return the same number saw no commit in between, so what was read under that number
   * still holds: caches key on it ({@link UserStore#changes()}). This call always asks the
   * database; see {@link DatabaseAccess#dataVersion()} for one that may answer from memory.
   */
  long dataVersion();

  /** True once a failure showed the connection cannot be trusted any more. */
  boolean isBroken();

  /** A check that the connection still answers, with a round trip to the store. */
  boolean isUsable();

  /**
   * A check without a round trip, cheap enough for every borrow: not known broken, not closed, and
   * whatever else the store can tell locally.
   */
  boolean looksUsable();

  /** Closes the connection; the object is not used again. */
  @Override
  void close();
}
