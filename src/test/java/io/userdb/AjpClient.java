package io.userdb;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal AJP13 client, written from the protocol description: one forward-request packet (plus
 * one body packet), then the container's header, body and end packets. Enough to play Apache's
 * part, or an attacker's, against the AJP connector.
 */
final class AjpClient {

  private static final int FORWARD_REQUEST = 2;
  private static final int ATTR_REMOTE_USER = 0x03;
  private static final int ATTR_REQ_ATTRIBUTE = 0x0A;
  private static final int ATTR_SECRET = 0x0C;
  private static final int ATTR_END = 0xFF;

  record Request(
      String method,
      String uri,
      String remoteAddr,
      boolean ssl,
      String secret,
      String remoteUser,
      Map<String, String> headers,
      byte[] body) {}

  record Response(int status, Map<String, String> headers, String body) {}

  static Request get(String uri, String secret) {
    return new Request("GET", uri, "127.0.0.1", false, secret, null, Map.of(), new byte[0]);
  }

  static Response send(int port, Request request) throws IOException {
    return send(port, request, Map.of());
  }

  /** With arbitrary request attributes, as Ghostcat sent (javax.servlet.include.*). */
  static Response send(int port, Request request, Map<String, String> attributes)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(packet(forwardRequest(request, attributes)));
      if (request.body().length > 0) {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        int16(chunk, request.body().length);
        chunk.write(request.body());
        socket.getOutputStream().write(packet(chunk.toByteArray()));
      }
      socket.getOutputStream().flush();
      return read(socket.getInputStream(), socket.getOutputStream());
    }
  }

  private static byte[] forwardRequest(Request r, Map<String, String> attributes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(FORWARD_REQUEST);
    out.write(methodCode(r.method()));
    string(out, "HTTP/1.1");
    string(out, r.uri());
    string(out, r.remoteAddr());
    string(out, r.remoteAddr());
    string(out, "localhost");
    int16(out, r.ssl() ? 443 : 80);
    out.write(r.ssl() ? 1 : 0);
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.putIfAbsent("Host", "localhost");
    if (r.body().length > 0) {
      headers.put("Content-Length", Integer.toString(r.body().length));
    }
    int16(out, headers.size());
    for (Map.Entry<String, String> h : headers.entrySet()) {
      string(out, h.getKey());
      string(out, h.getValue());
    }
    if (r.remoteUser() != null) {
      out.write(ATTR_REMOTE_USER);
      string(out, r.remoteUser());
    }
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      out.write(ATTR_REQ_ATTRIBUTE);
      string(out, a.getKey());
      string(out, a.getValue());
    }
    if (r.secret() != null) {
      out.write(ATTR_SECRET);
      string(out, r.secret());
    }
    out.write(ATTR_END);
    return out.toByteArray();
  }

  private static int methodCode(String method) {
    return switch (method) {
      case "GET" -> 2;
      case "POST" -> 4;
      case "PUT" -> 5;
      case "DELETE" -> 6;
      default -> throw new IllegalArgumentException(method);
    };
  }

  private static byte[] packet(byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x12);
    out.write(0x34);
    int16(out, payload.length);
    out.write(payload);
    return out.toByteArray();
  }

  private static Response read(InputStream stream, java.io.OutputStream out) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int status = -1;
    Map<String, String> headers = new LinkedHashMap<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      if (in.readUnsignedByte() != 'A' || in.readUnsignedByte() != 'B') {
        throw new IOException("not an AJP response packet");
      }
      int length = in.readUnsignedShort();
      byte[] payload = in.readNBytes(length);
      DataInputStream p = new DataInputStream(new java.io.ByteArrayInputStream(payload));
      int type = p.readUnsignedByte();
      switch (type) {
        case 4 -> { // SEND_HEADERS
          status = p.readUnsignedShort();
          readString(p);
          int count = p.readUnsignedShort();
          for (int i = 0; i < count; i++) {
            headers.put(headerName(p), readString(p));
          }
        }
        case 3 -> { // SEND_BODY_CHUNK
          int n = p.readUnsignedShort();
          body.write(p.readNBytes(n));
        }
        case 5 -> { // END_RESPONSE
          return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        }
        case 6 -> { // GET_BODY_CHUNK: the whole body went already; an empty packet ends it
          out.write(new byte[] {0x12, 0x34, 0, 0});
          out.flush();
        }
        default -> throw new IOException("unexpected AJP packet type " + type);
      }
    }
  }

  private static String headerName(DataInputStream p) throws IOException {
    int first = p.readUnsignedByte();
    if (first == 0xA0) {
      int code = p.readUnsignedByte();
      String[] names = {
        "",
        "Content-Type",
        "Content-Language",
        "Content-Length",
        "Date",
        "Last-Modified",
        "Location",
        "Set-Cookie",
        "Set-Cookie2",
        "Servlet-Engine",
        "Status",
        "WWW-Authenticate"
      };
      return code < names.length ? names[code] : "code-" + code;
    }
    int length = (first << 8) | p.readUnsignedByte();
    String name = new String(p.readNBytes(length), StandardCharsets.ISO_8859_1);
    p.readUnsignedByte();
    return name;
  }

  private static String readString(DataInputStream p) throws IOException {
    int length = p.readUnsignedShort();
    if (length == 0xFFFF) {
      return null;
    }
    String s = new String(p.readNBytes(length), StandardCharsets.UTF_8);
    p.readUnsignedByte();
    return s;
  }

  private static void string(ByteArrayOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int16(out, bytes.length);
    out.write(bytes);
    out.write(0);
  }

  private static void int16(ByteArrayOutputStream out, int value) {
    out.write((value >> 8) & 0xFF);
    out.write(value & 0xFF);
  }
}
