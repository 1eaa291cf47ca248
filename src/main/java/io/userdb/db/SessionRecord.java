package io.userdb.db;

import java.time.Instant;

/**
 * A live session joined with its user. The token itself is never stored, only its hash.
 *
 * @param endsAt the earlier of {@code expiresAt} and the end of its idle time
 */
public record SessionRecord(
    String tokenHash, User user, Instant lastSeenAt, Instant expiresAt, Instant endsAt) {}
