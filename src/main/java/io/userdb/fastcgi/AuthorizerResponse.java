package io.userdb.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An authorizer's answer (FastCGI section 6.3): a CGI status, headers and a body. On 200, Apache
 * keeps only the {@code Variable-} headers, as request variables; otherwise it sends the status,
 * headers and body to the client. Immutable.
 */
public record AuthorizerResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  public AuthorizerResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status " + status);
    }
    headers = List.copyOf(headers);
    for (Map.Entry<String, String> header : headers) {
      checkHeaderText(header.getKey());
      checkHeaderText(header.getValue());
    }
    body = body.clone();
  }

  public static AuthorizerResponse of(int status) {
    return new AuthorizerResponse(status, List.of(), new byte[0]);
  }

  /** The same answer with one more header. */
  public AuthorizerResponse with(String name, String value) {
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new AuthorizerResponse(status, more, body);
  }

  /**
   * The same answer with {@code Variable-NAME: value}, which Apache makes request variable NAME.
   */
  public AuthorizerResponse withVariable(String name, String value) {
    return with("Variable-" + name, value);
  }

  public AuthorizerResponse withBody(String contentType, byte[] content) {
    return new AuthorizerResponse(
            status,
            headers.stream().filter(h -> !h.getKey().equalsIgnoreCase("Content-Type")).toList(),
            content)
        .with("Content-Type", contentType);
  }

  /** The value of the first header of that name, or null. */
  public String header(String name) {
    return headers.stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  /** As the STDOUT stream carries it: {@code Status:} first, headers, a blank line, the body. */
  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + body.length);
    StringBuilder head = new StringBuilder("Status: ").append(status).append("\r\n");
    for (Map.Entry<String, String> header : headers) {
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** A header line cannot be split by what goes into it (CR, LF, or any control character). */
  private static void checkHeaderText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("a control character in an answer's header");
      }
    }
  }
}
