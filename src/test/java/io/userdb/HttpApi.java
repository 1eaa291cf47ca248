package io.userdb;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** A real HTTP client for tests, with the few shapes of request the API takes. */
public final class HttpApi {

  private final String base;
  private final HttpClient client = newClient();

  /**
   * An HTTP/1.1 client with a 5 s connect timeout, for tests that send raw requests of their own.
   */
  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  public HttpApi(String base) {
    this.base = base;
  }

  public String base() {
    return base;
  }

  /** One response, read whole. */
  public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /** The session token from Set-Cookie, if the reply set one. */
    public String sessionToken() {
      return headers.allValues("Set-Cookie").stream()
          .filter(c -> c.startsWith("USERDB_SESSION="))
          .map(c -> c.substring("USERDB_SESSION=".length(), c.indexOf(';')))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no session cookie in " + headers.map()));
    }

    public List<String> cookies() {
      return headers.allValues("Set-Cookie");
    }
  }

  public Reply send(String method, String path, String jsonBody, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (jsonBody != null) {
      builder.header("Content-Type", "application/json");
      builder.method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    for (int i = 0; i < headers.length; i += 2) {
      builder.setHeader(headers[i], headers[i + 1]);
    }
    return send(builder.build());
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new AssertionError(
          "request failed: " + request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  public Reply get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  /** Signs in and returns the session token. */
  public String login(String username, String password) {
    Reply reply = send("POST", "/api/session", json("username", username, "password", password));
    if (reply.status() != 200) {
      throw new AssertionError(
          "login of " + username + " gave " + reply.status() + " " + reply.body());
    }
    return reply.sessionToken();
  }

  public static String[] session(String token) {
    return new String[] {"Cookie", "USERDB_SESSION=" + token};
  }

  public static String[] basic(String username, String password) {
    String encoded =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new String[] {"Authorization", "Basic " + encoded};
  }

  /** A flat JSON object from name/value pairs; values are strings, booleans, or String[]. */
  public static String json(Object... pairs) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(quote((String) pairs[i])).append(':').append(value(pairs[i + 1]));
    }
    return sb.append('}').toString();
  }

  private static String value(Object v) {
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof String[] array) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < array.length; i++) {
        sb.append(i > 0 ? "," : "").append(quote(array[i]));
      }
      return sb.append(']').toString();
    }
    return String.valueOf(v);
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
