package io.userdb.db;

import java.time.Instant;

/**
 * The outcome of reserving a password check on an account before the slow hash runs.
 *
 * @param reserved true when the attempt was counted and the hash may run; false when the account
 *     was locked (or is gone) and nothing was counted
 * @param failures the account's consecutive failures counting this attempt, when reserved
 * @param lockedUntil until when the account is locked: the lock this attempt set, when reserved;
 *     the lock in force, when not ({@link Instant#EPOCH}: the account is gone)
 */
public record LoginAttempt(boolean reserved, int failures, Instant lockedUntil) {

  public static LoginAttempt refused(Instant lockedUntil) {
    return new LoginAttempt(false, 0, lockedUntil);
  }
}
