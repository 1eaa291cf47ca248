package io.userdb.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record in Elastic Common Schema names, as the export and the API show it, so a SIEM takes it as
 * it is: {@code @timestamp}, {@code event.action}/{@code category}/{@code outcome}/{@code
 * sequence}, {@code user.id}/{@code name}, {@code user.target.id}/{@code name}, {@code
 * source.address} (and {@code source.ip} when it is one address, not a /64), {@code
 * service.node.name} (the backend's route), and the event's own fields under {@code userdb}.
 */
public final class EcsEvent {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EcsEvent() {}

  public static Map<String, Object> of(AuditRecord record) {
    Map<String, Object> ecs = new LinkedHashMap<>();
    ecs.put("@timestamp", Instant.ofEpochMilli(record.at()).toString());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("kind", "event");
    event.put("sequence", record.seq());
    event.put("action", record.action());
    event.put("category", List.of(record.category()));
    event.put("outcome", record.outcome());
    event.put("hash", record.hash());
    ecs.put("event", event);
    Map<String, Object> user = new LinkedHashMap<>();
    if (record.actorId() != null) {
      user.put("id", record.actorId().toString());
    }
    user.put("name", record.actorName());
    if (record.targetName() != null || record.targetId() != null) {
      Map<String, Object> target = new LinkedHashMap<>();
      if (record.targetId() != null) {
        target.put("id", record.targetId().toString());
      }
      if (record.targetName() != null) {
        target.put("name", record.targetName());
      }
      user.put("target", target);
    }
    ecs.put("user", user);
    if (record.clientAddress() != null) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("address", record.clientAddress());
      if (isOneAddress(record.clientAddress())) {
        source.put("ip", record.clientAddress());
      }
      ecs.put("source", source);
    }
    if (!record.route().isEmpty()) {
      ecs.put("service", Map.of("node", Map.of("name", record.route())));
    }
    ecs.put("userdb", fields(record.fields()));
    return ecs;
  }

  private static Map<String, Object> fields(String json) {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      // A record whose fields are not JSON was written by hand; verify names it.
      return Map.of("unreadable_fields", json);
    }
  }

  /** An IPv4 or IPv6 literal (a /64 prefix key is not); never a name lookup. */
  private static boolean isOneAddress(String address) {
    boolean literal =
        address.matches("\\d{1,3}(\\.\\d{1,3}){3}")
            || (address.contains(":") && address.matches("[0-9A-Fa-f:.]+"));
    if (!literal) {
      return false;
    }
    try {
      InetAddress.getByName(address); // a literal: parsed, not resolved
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
