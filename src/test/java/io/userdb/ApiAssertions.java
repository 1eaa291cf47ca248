package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userdb.HttpApi.Reply;
import java.io.IOException;

/** What every test of the JSON API checks of a reply: its body as JSON and the error form. */
final class ApiAssertions {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiAssertions() {}

  static JsonNode body(Reply reply) {
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + reply.body(), e);
    }
  }

  /** A session cookie that names an ended session: 401 that says so, and the cookie cleared. */
  static void assertSessionEnded(Reply reply) {
    assertError(reply, 401, "session_ended");
    assertTrue(
        reply.cookies().stream()
            .anyMatch(c -> c.startsWith("USERDB_SESSION=;") && c.contains("Max-Age=0")),
        "the cookie is cleared: " + reply.cookies());
  }

  static void assertError(Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(
        reply.header("Content-Type").orElse("").startsWith("application/json"),
        reply.headers().map().toString());
    JsonNode body = body(reply);
    assertEquals(code, body.path("error").asText(), reply.body());
    assertFalse(body.path("message").asText().isEmpty(), "an error says what went wrong");
    assertFalse(
        reply.body().contains("Exception") || reply.body().contains("at io.userdb"),
        "no stack trace");
  }
}
