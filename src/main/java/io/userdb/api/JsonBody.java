package io.userdb.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.userdb.http.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A request's JSON object body, read with the API's limits (64 KiB, application/json only, whole
 * within {@link #READ_DEADLINE}), with typed accessors that answer 400 naming the field when a
 * value has the wrong type. Servlets read it before borrowing a database object.
 */
final class JsonBody {

  static final int MAX_BYTES = 64 * 1024;

  /**
   * How long a whole body may take to arrive. Tomcat's read timeout applies to each read, so a
   * client sending a byte every few seconds would otherwise hold a request thread for as long as it
   * likes (the outside report held every thread with 205 such sockets). Checked between reads: a
   * body is cut off at the first read that ends after the deadline, at most one read timeout late
   * (the HTTP connector's connection timeout; through Apache, its RequestReadTimeout ends a body
   * that stalls).
   */
  static final Duration READ_DEADLINE = Duration.ofSeconds(10);

  private final JsonNode root;

  private JsonBody(JsonNode root) {
    this.root = root;
  }

  /** Reads the body and refuses any field not in {@code allowed}. */
  static JsonBody read(HttpServletRequest request, String... allowed) throws IOException {
    String type = request.getContentType();
    if (type == null
        || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
    }
    if (request.getContentLengthLong() > MAX_BYTES) {
      throw tooLarge();
    }
    byte[] bytes;
    try (InputStream in = request.getInputStream()) {
      long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
      bytes = readWithin(in, request.getContentLengthLong(), deadline);
    }
    JsonNode root;
    try {
      root = Json.read(bytes);
    } catch (JacksonException e) {
      throw ApiException.badRequest("invalid_json", "the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
    }
    Set<String> known = Set.of(allowed);
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw ApiException.badRequest(
            "unknown_field",
            "unknown field '" + clip(name) + "'; expected " + Arrays.toString(allowed));
      }
    }
    return new JsonBody(root);
  }

  /** Up to MAX_BYTES (else 413); 408 once {@code deadlineNanos} passes with the body unfinished. */
  private static byte[] readWithin(InputStream in, long expected, long deadlineNanos)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(expected > 0 ? (int) expected : 1024);
    byte[] buffer = new byte[8192];
    while (expected < 0 || body.size() < expected) {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw bodyTimeout();
      }
      int n;
      try {
        n = in.read(buffer, 0, Math.min(buffer.length, MAX_BYTES + 1 - body.size()));
      } catch (IOException e) {
        if (isTimeout(e)) {
          throw bodyTimeout();
        }
        throw e;
      }
      if (n < 0) {
        break;
      }
      body.write(buffer, 0, n);
      if (body.size() > MAX_BYTES) {
        throw tooLarge();
      }
    }
    return body.toByteArray();
  }

  /** Tomcat wraps a read timeout in its ClientAbortException. */
  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static ApiException bodyTimeout() {
    return new ApiException(
        408,
        "body_timeout",
        "the request body did not arrive within " + READ_DEADLINE.toSeconds() + " s");
  }

  private static ApiException tooLarge() {
    return new ApiException(413, "payload_too_large", "the body must be at most 64 KiB");
  }

  boolean has(String field) {
    return root.has(field) && !root.get(field).isNull();
  }

  String requiredString(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw ApiException.badRequest("missing_field", "'" + field + "' is required");
    }
    return value;
  }

  String optionalString(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode node = root.get(field);
    if (!node.isTextual()) {
      throw wrongType(field, "a string");
    }
    return node.textValue();
  }

  Boolean optionalBoolean(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode node = root.get(field);
    if (!node.isBoolean()) {
      throw wrongType(field, "true or false");
    }
    return node.booleanValue();
  }

  Set<String> optionalStrings(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode node = root.get(field);
    if (!node.isArray()) {
      throw wrongType(field, "an array of strings");
    }
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw wrongType(field, "an array of strings");
      }
      values.add(element.textValue());
    }
    return values;
  }

  private static ApiException wrongType(String field, String expected) {
    return ApiException.badRequest("invalid_field", "'" + field + "' must be " + expected);
  }

  private static String clip(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }
}
