package io.userdb.db;

import java.time.Instant;

/** A live session joined with its user. The token itself is never stored, only its hash. */
public record SessionRecord(String tokenHash, User user, Instant lastSeenAt, Instant expiresAt) {}
