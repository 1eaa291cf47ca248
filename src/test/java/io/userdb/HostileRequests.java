package io.userdb;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of hostile HTTP requests against userdb's API: odd methods, path tricks,
 * malformed and mistyped JSON, missing and unknown fields, huge and NUL-laden strings, invalid
 * UTF-8, SQL metacharacters, 10 MiB bodies and oversized headers. Destructive requests that could
 * succeed (DELETE of a user, sign-out) only target the user "bob", so the callers of the test
 * (admin, alice) stay signed in.
 */
final class HostileRequests {

  record Input(
      String method, String path, String contentType, byte[] body, Map<String, String> headers) {
    @Override
    public String toString() {
      String shown =
          body == null
              ? ""
              : new String(body, 0, Math.min(body.length, 120), StandardCharsets.ISO_8859_1);
      return method
          + " "
          + path
          + " ["
          + contentType
          + ", "
          + (body == null ? 0 : body.length)
          + " bytes: "
          + shown
          + "] "
          + headers.keySet();
    }
  }

  static final String[] METHODS = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "FOO"
  };
  static final String[] FIELDS = {
    "username", "password", "currentPassword", "displayName", "email", "roles"
  };
  static final String[] EXTRA_FIELDS = {
    "id", "isAdmin", "__proto__", "passwordHash", "disabled", "", "username "
  };
  static final String[] NAMES = {
    "bob",
    "nobody",
    "..",
    "../admin",
    "..%2fadmin",
    "%2e%2e%2fadmin",
    "a%2fb",
    "alice%00",
    "%00",
    "bob%00admin",
    "admin%27--",
    "%27%20OR%20%271%27%3D%271",
    "x".repeat(300),
    "%C3%BCn%C3%AF",
    "%FF%FE",
    "bob%20",
    "%20",
    ";",
    "bob;x=1",
  };
  static final String[] STRINGS = {
    "",
    " ",
    "bob",
    "alice",
    "admin",
    "' OR '1'='1",
    "\"; DROP TABLE users; --",
    "bob'); DELETE FROM users; --",
    "%",
    "_",
    "\\",
    "\u0000",
    "bob\u0000admin",
    "<img src=x onerror=alert(1)>",
    "\u202Eevil",
    "😀",
    "a".repeat(1000),
    "b".repeat(70_000),
    "../../etc/passwd",
    "user@example.com",
    "not an email",
    "\r\nX-Injected: 1",
    "ünïcödé",
    "\uD800",
    "admin,user",
    "ADMIN",
  };
  static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    null,
  };

  private final Random random;

  HostileRequests(Random random) {
    this.random = random;
  }

  Input next() {
    String path = path();
    String method = pick(METHODS);
    if (method.equals("DELETE")
        && (path.startsWith("/api/session") || path.startsWith("/api/me"))) {
      method = "PATCH"; // sign-out would end the callers' own sessions
    }
    byte[] body = null;
    String type = null;
    if (!method.equals("GET") && !method.equals("HEAD") && random.nextInt(10) > 0) {
      body = body();
      type = random.nextInt(4) == 0 ? pick(CONTENT_TYPES) : "application/json";
    }
    return new Input(method, path, type, body, headers());
  }

  private String path() {
    return switch (random.nextInt(9)) {
      case 0 -> "/api/session";
      case 1 -> "/api/me";
      case 2 -> "/api/users";
      case 3, 4 -> "/api/users/" + pick(NAMES);
      case 5 -> "/api/users/" + pick(NAMES) + "/password";
      case 6 ->
          "/api/users?q=" + encode(pick(STRINGS)) + "&limit=" + number() + "&offset=" + number();
      case 7 ->
          pick(
              new String[] {
                "/health",
                "/metrics",
                "/",
                "/api",
                "/api/users/bob/password/x",
                "//api//users",
                "/api/./users",
                "/api/users/..;/session",
                "/WEB-INF/web.xml",
                "/META-INF/MANIFEST.MF",
                "/api/users/%2e%2e/%2e%2e/"
              });
      default -> "/api/users/" + encode(pick(STRINGS));
    };
  }

  private String number() {
    return pick(
        new String[] {
          "0", "-1", "1", "100", "101", "99999999999999999999", "1e3", "abc", "", "%00", "0x10"
        });
  }

  private byte[] body() {
    int kind = random.nextInt(100);
    if (kind < 2) {
      byte[] huge = new byte[10 * 1024 * 1024]; // 10 MiB of JSON-looking bytes
      java.util.Arrays.fill(huge, (byte) 'a');
      huge[0] = '{';
      return huge;
    }
    if (kind < 20) {
      return malformed();
    }
    if (kind < 30) {
      return invalidUtf8();
    }
    return object().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] malformed() {
    String[] bad = {
      "",
      "{",
      "}",
      "[]",
      "null",
      "\"str\"",
      "123",
      "{\"username\":",
      "{\"username\" \"bob\"}",
      "{'username':'bob'}",
      "{\"a\":1}{\"b\":2}",
      "{\"username\":\"bob\",}",
      "\uFEFF{}",
      "{\"username\":\"bob\"} trailing",
      "[".repeat(5000) + "]".repeat(5000),
      "{\"a\":".repeat(2000) + "1" + "}".repeat(2000),
      "{\"password\":1e99999}",
      "{\"username\":\"bob\",\"username\":\"admin\"}",
      "{\"roles\":[" + "\"admin\",".repeat(10_000) + "\"x\"]}"
    };
    return pick(bad).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] invalidUtf8() {
    byte[] prefix = "{\"displayName\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[][] poison = {
      {(byte) 0xC3, 0x28},
      {(byte) 0xFF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {0x00}
    };
    byte[] p = poison[random.nextInt(poison.length)];
    byte[] suffix = "\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + p.length + suffix.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(p, 0, out, prefix.length, p.length);
    System.arraycopy(suffix, 0, out, prefix.length + p.length, suffix.length);
    return out;
  }

  private String object() {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : FIELDS) {
      if (random.nextInt(3) > 0) {
        fields.put(field, value());
      }
    }
    if (random.nextInt(4) == 0) {
      fields.put(pick(EXTRA_FIELDS), value());
    }
    StringBuilder sb = new StringBuilder("{");
    fields.forEach(
        (k, v) ->
            sb.append(sb.length() > 1 ? "," : "").append(HttpApi.quote(k)).append(':').append(v));
    return sb.append('}').toString();
  }

  private String value() {
    return switch (random.nextInt(10)) {
      case 0 -> pick(new String[] {"1", "-1", "0.5", "1e308", "true", "false", "null"});
      case 1 -> "[" + HttpApi.quote(pick(STRINGS)) + "," + HttpApi.quote(pick(STRINGS)) + "]";
      case 2 -> "{\"nested\":" + HttpApi.quote(pick(STRINGS)) + "}";
      case 3 -> "[1,2,[3]]";
      default -> HttpApi.quote(pick(STRINGS));
    };
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    switch (random.nextInt(12)) {
      case 0 -> headers.put("X-Big", "x".repeat(20_000));
      case 1 ->
          headers.put(
              "Authorization",
              "Basic "
                  + pick(
                      new String[] {
                        "!!!",
                        "",
                        "Ym9i",
                        Base64.getEncoder()
                            .encodeToString(
                                ("nobody:" + pick(STRINGS)).getBytes(StandardCharsets.UTF_8))
                      }));
      case 2 ->
          headers.put(
              "Authorization",
              pick(new String[] {"Bearer x", "Basic", "Digest username=\"bob\"", "basic Og=="}));
      case 3 -> headers.put("Remote-User", "admin");
      case 4 -> headers.put("X-Forwarded-For", "10.0.0.1, 127.0.0.1");
      case 5 -> headers.put("Accept", "text/html");
      default -> {}
    }
    return headers;
  }

  private String pick(String[] options) {
    return options[random.nextInt(options.length)];
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Requests no well-behaved client library sends: written to the socket byte for byte. */
  static List<byte[]> rawCorpus() {
    List<String> requests = new ArrayList<>();
    requests.add("GET /api/users/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /api/users/% HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /api/users/%00 HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /api/users/..%2f..%2fadmin HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /api/users/a%5cb HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
    requests.add("GET /api/me HTTP/9.9\r\nHost: x\r\n\r\n");
    requests.add("get /api/me HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /api/me HTTP/1.1\r\n\r\n");
    requests.add("GET /api/me HTTP/1.0\r\n\r\n");
    requests.add("GET /api/me HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n");
    requests.add("GET /api/me HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n  b\r\n\r\n");
    requests.add(
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    requests.add(
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n");
    requests.add(
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            + "Content-Length: 3\r\n\r\n{}");
    requests.add(
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "zz\r\n{}\r\n0\r\n\r\n");
    requests.add("TRACE /api/me HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET http://evil.example/api/me HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET * HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    List<byte[]> out = new ArrayList<>();
    requests.forEach(r -> out.add(r.getBytes(StandardCharsets.ISO_8859_1)));
    out.add(
        "GET /api/users/\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    out.add(
        "GET /api/me HTTP/1.1\r\nHost: x\r\nCookie: USERDB_SESSION=\u0000\u00ff\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    return out;
  }
}
