package io.userdb.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON mapper and the one way responses and errors are written. */
public final class Json {

  private static final ObjectMapper MAPPER = createMapper();

  private Json() {}

  private static ObjectMapper createMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();
    ObjectMapper mapper = new ObjectMapper(factory);
    mapper.configure(JsonParser.Feature.ALLOW_COMMENTS, false);
    return mapper;
  }

  /** Parses a request body with the limits every body gets (duplicate keys, nesting depth). */
  public static JsonNode read(byte[] bytes) throws IOException {
    return MAPPER.readTree(bytes);
  }

  public static void write(HttpServletResponse response, int status, Object body)
      throws IOException {
    writeRendered(response, status, bytes(body));
  }

  /** {@code body} as UTF-8 JSON, for answers rendered once and sent many times. */
  public static byte[] bytes(Object body) throws IOException {
    return MAPPER.writeValueAsBytes(body);
  }

  /** Sends JSON that {@link #bytes} rendered. */
  public static void writeRendered(HttpServletResponse response, int status, byte[] bytes)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  public static void writeError(
      HttpServletResponse response, int status, String code, String message) throws IOException {
    writeRendered(response, status, errorBody(code, message));
  }

  /** {@code {"error":code,"message":message}}, the one shape of every error userdb answers. */
  public static byte[] errorBody(String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    try {
      return bytes(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // two strings always serialise
    }
  }

  /** A snake_case code for a bare HTTP status, for errors raised outside our servlets. */
  public static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "authentication_required";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      case 501 -> "not_implemented";
      case 503 -> "service_unavailable";
      default -> status >= 500 ? "internal_error" : "http_" + status;
    };
  }
}
