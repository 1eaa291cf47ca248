package io.userdb.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Name-value pairs (section 3.4): each length in one byte below 128, else in four with the high bit
 * set, then the name's and the value's bytes. Text is UTF-8, as Apache passes a request's bytes
 * through and userdb's names and passwords are UTF-8.
 */
final class NameValuePairs {

  private NameValuePairs() {}

  /**
   * The pairs of a whole PARAMS (or GET_VALUES) stream.
   *
   * @throws ProtocolException on a truncated pair, a name or value over the limits, too many pairs,
   *     or a name given twice (Apache never sends one twice: a repeat is a forgery's attempt to be
   *     read instead of the original)
   */
  static Map<String, String> decode(byte[] stream, FastCgiLimits limits) throws ProtocolException {
    Map<String, String> pairs = new LinkedHashMap<>();
    int[] at = {0};
    while (at[0] < stream.length) {
      if (pairs.size() == limits.maxParams()) {
        throw new ProtocolException("more than " + limits.maxParams() + " parameters");
      }
      int nameLength = length(stream, at);
      int valueLength = length(stream, at);
      if (nameLength > limits.maxNameLength()) {
        throw new ProtocolException("a parameter name of " + nameLength + " bytes");
      }
      if (valueLength > limits.maxValueLength()) {
        throw new ProtocolException("a parameter value of " + valueLength + " bytes");
      }
      if ((long) at[0] + nameLength + valueLength > stream.length) {
        throw new ProtocolException("a parameter longer than the stream that holds it");
      }
      String name = new String(stream, at[0], nameLength, StandardCharsets.UTF_8);
      at[0] += nameLength;
      String value = new String(stream, at[0], valueLength, StandardCharsets.UTF_8);
      at[0] += valueLength;
      if (pairs.putIfAbsent(name, value) != null) {
        throw new ProtocolException("a parameter given twice");
      }
    }
    return pairs;
  }

  private static int length(byte[] stream, int[] at) throws ProtocolException {
    if (at[0] >= stream.length) {
      throw new ProtocolException("a parameter cut short");
    }
    int first = stream[at[0]] & 0xff;
    if (first < 0x80) {
      at[0] += 1;
      return first;
    }
    if (at[0] + 4 > stream.length) {
      throw new ProtocolException("a parameter cut short");
    }
    int length =
        ((first & 0x7f) << 24)
            | ((stream[at[0] + 1] & 0xff) << 16)
            | ((stream[at[0] + 2] & 0xff) << 8)
            | (stream[at[0] + 3] & 0xff);
    at[0] += 4;
    return length;
  }

  static byte[] encode(Map<String, String> pairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pairs.forEach(
        (name, value) -> {
          byte[] n = name.getBytes(StandardCharsets.UTF_8);
          byte[] v = value.getBytes(StandardCharsets.UTF_8);
          writeLength(out, n.length);
          writeLength(out, v.length);
          out.writeBytes(n);
          out.writeBytes(v);
        });
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else {
      out.write((length >> 24) | 0x80);
      out.write(length >> 16);
      out.write(length >> 8);
      out.write(length);
    }
  }
}
