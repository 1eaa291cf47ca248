package io.userdb.fastcgi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records written by hand, byte by byte as the FastCGI 1.0 specification lays them out, for the
 * tests to send; and a reader of what came back. Independent of the codec under test.
 */
final class Records {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Records raw(int version, int type, int requestId, byte[] content, int padding) {
    out.write(version);
    out.write(type);
    out.write(requestId >> 8);
    out.write(requestId & 0xff);
    out.write(content.length >> 8);
    out.write(content.length & 0xff);
    out.write(padding);
    out.write(0);
    out.writeBytes(content);
    out.writeBytes(new byte[padding]);
    return this;
  }

  Records record(int type, int requestId, byte[] content) {
    return raw(1, type, requestId, content, (8 - content.length % 8) % 8);
  }

  /** FCGI_BEGIN_REQUEST as mod_authnz_fcgi sends it: AUTHORIZER, no FCGI_KEEP_CONN. */
  Records begin(int requestId, int role) {
    return record(1, requestId, new byte[] {(byte) (role >> 8), (byte) role, 0, 0, 0, 0, 0, 0});
  }

  Records params(int requestId, byte[] content) {
    return record(4, requestId, content);
  }

  /** The environment split into PARAMS records of at most {@code perRecord} bytes, then the end. */
  Records environment(int requestId, Map<String, String> env, int perRecord) {
    byte[] all = pairs(env);
    for (int at = 0; at < all.length; at += perRecord) {
      byte[] part = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + perRecord));
      params(requestId, part);
    }
    return params(requestId, new byte[0]);
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  static byte[] pairs(Map<String, String> env) {
    ByteArrayOutputStream pairs = new ByteArrayOutputStream();
    env.forEach(
        (name, value) -> {
          byte[] n = name.getBytes(StandardCharsets.UTF_8);
          byte[] v = value.getBytes(StandardCharsets.UTF_8);
          length(pairs, n.length);
          length(pairs, v.length);
          pairs.writeBytes(n);
          pairs.writeBytes(v);
        });
    return pairs.toByteArray();
  }

  static void length(ByteArrayOutputStream out, int length) {
    if (length < 128) {
      out.write(length);
    } else {
      out.write(0x80 | (length >>> 24));
      out.write((length >>> 16) & 0xff);
      out.write((length >>> 8) & 0xff);
      out.write(length & 0xff);
    }
  }

  /** A record as read back: header fields, content, padding length. */
  record Read(int version, int type, int requestId, byte[] content, int padding) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  static List<Read> parse(byte[] bytes) throws IOException {
    List<Read> records = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(bytes);
    byte[] header = new byte[8];
    while (in.readNBytes(header, 0, 8) == 8) {
      int length = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
      int padding = header[6] & 0xff;
      byte[] content = in.readNBytes(length);
      in.readNBytes(padding);
      records.add(
          new Read(
              header[0] & 0xff,
              header[1] & 0xff,
              ((header[2] & 0xff) << 8) | (header[3] & 0xff),
              content,
              padding));
    }
    return records;
  }
}
