package io.userdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP exchange over a plain socket, for requests no client library would send. */
record RawResponse(int status, String headers, String body) {

  /** Sends {@code request} as is and reads until the server closes or goes quiet for 3 s. */
  static RawResponse exchange(int port, byte[] request) throws IOException {
    return exchange("127.0.0.1", port, request);
  }

  /**
   * As {@link #exchange(int, byte[])}, from the loopback address {@code from} (any of 127.0.0.0/8),
   * so that the server sees a client other than itself.
   */
  static RawResponse exchange(String from, int port, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(3000);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the server may answer and close before reading a request it refuses
      }
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          received.write(buffer, 0, n);
          if (complete(received.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // keep what arrived
      }
      return parse(received.toString(StandardCharsets.UTF_8));
    }
  }

  private static boolean complete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String head = text.substring(0, end).toLowerCase(Locale.ROOT);
    int at = head.indexOf("content-length:");
    if (at < 0) {
      return false;
    }
    int length = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
    return text.length() - end - 4 >= length;
  }

  static RawResponse parse(String text) {
    if (!text.startsWith("HTTP/")) {
      return new RawResponse(-1, "", text);
    }
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(end + 4);
    int status = Integer.parseInt(head.substring(9, 12));
    boolean chunked = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
    return new RawResponse(status, head, chunked ? dechunk(body) : body);
  }

  /**
   * The body of a chunked answer (Apache sends one where the backend's length did not carry over).
   */
  private static String dechunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int lineEnd = chunked.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      int start = lineEnd + 2;
      body.append(chunked, start, Math.min(chunked.length(), start + size));
      at = start + size + 2;
    }
    return body.toString();
  }

  /** The first line as sent, e.g. "HTTP/1.1 404 Not Found". */
  String statusLine() {
    int end = headers.indexOf("\r\n");
    return end < 0 ? headers : headers.substring(0, end);
  }

  boolean isJson() {
    try {
      new ObjectMapper().readTree(body);
      return headers.toLowerCase(Locale.ROOT).contains("content-type: application/json");
    } catch (IOException e) {
      return false;
    }
  }
}
