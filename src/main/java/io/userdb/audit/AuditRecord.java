package io.userdb.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * One stored audit record, as the log holds it: its place in the chain ({@code seq}, from 1 with no
 * gaps), the time in UTC milliseconds, the event's columns, its fields as JSON text, the hash of
 * the record before it and its own hash over all of that ({@link AuditChain#hashOf}).
 */
public record AuditRecord(
    long seq,
    long at,
    String action,
    String category,
    String outcome,
    Long actorId,
    String actorName,
    Long targetId,
    String targetName,
    String clientAddress,
    String route,
    String fields,
    String prevHash,
    String hash) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record {@code event} becomes as the chain's next, after the record hashed {@code prev}. */
  public static AuditRecord next(long seq, Instant at, AuditEvent event, String prevHash) {
    AuditOrigin origin = event.origin();
    AuditRecord unhashed =
        new AuditRecord(
            seq,
            at.toEpochMilli(),
            event.action().id(),
            event.action().category(),
            event.outcome(),
            origin.actorId(),
            origin.actorName(),
            event.targetId(),
            event.targetName(),
            origin.clientAddress(),
            origin.route(),
            fieldsJson(event),
            prevHash,
            null);
    return unhashed.withHash(AuditChain.hashOf(unhashed));
  }

  private static String fieldsJson(AuditEvent event) {
    try {
      return JSON.writeValueAsString(event.fields());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit fields must be plain values: " + e, e);
    }
  }

  AuditRecord withHash(String newHash) {
    return new AuditRecord(
        seq,
        at,
        action,
        category,
        outcome,
        actorId,
        actorName,
        targetId,
        targetName,
        clientAddress,
        route,
        fields,
        prevHash,
        newHash);
  }
}
