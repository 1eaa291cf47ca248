package io.userdb.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A request's JSON object body, read with the API's limits (64 KiB, application/json only),
 * with typed accessors that answer 400 naming the field when a value has the wrong type.
 */
final class JsonBody {

  static final int MAX_BYTES = 64 * 1024;

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
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge();
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
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
            "unknown_field", "unknown field '" + clip(name) + "'; expected " + Arrays.toString(allowed));
      }
    }
    return new JsonBody(root);
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
