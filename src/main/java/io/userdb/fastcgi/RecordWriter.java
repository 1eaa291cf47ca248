package io.userdb.fastcgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes records (section 3.3), content padded to a multiple of 8 bytes as the specification
 * recommends. Records are gathered and sent with one write: an answer is a few hundred bytes.
 */
final class RecordWriter {

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(512);

  /** One record; content longer than a record holds is an error of the caller's. */
  RecordWriter record(int type, int requestId, byte[] content) {
    if (content.length > FastCgi.MAX_CONTENT_LENGTH) {
      throw new IllegalArgumentException("record content of " + content.length + " bytes");
    }
    int padding = (8 - content.length % 8) % 8;
    pending.write(FastCgi.VERSION_1);
    pending.write(type);
    pending.write(requestId >> 8);
    pending.write(requestId);
    pending.write(content.length >> 8);
    pending.write(content.length);
    pending.write(padding);
    pending.write(0);
    pending.writeBytes(content);
    pending.writeBytes(new byte[padding]);
    return this;
  }

  /** A stream (STDOUT, STDERR): the content in as many records as it takes, then the empty one. */
  RecordWriter stream(int type, int requestId, byte[] content) {
    for (int offset = 0; offset < content.length; offset += FastCgi.MAX_CONTENT_LENGTH) {
      int length = Math.min(FastCgi.MAX_CONTENT_LENGTH, content.length - offset);
      byte[] part = new byte[length];
      System.arraycopy(content, offset, part, 0, length);
      record(type, requestId, part);
    }
    return record(type, requestId, new byte[0]);
  }

  /** FCGI_END_REQUEST (section 5.5): the application's status and the protocol's. */
  RecordWriter endRequest(int requestId, int appStatus, int protocolStatus) {
    byte[] body = {
      (byte) (appStatus >> 24),
      (byte) (appStatus >> 16),
      (byte) (appStatus >> 8),
      (byte) appStatus,
      (byte) protocolStatus,
      0,
      0,
      0
    };
    return record(FastCgi.END_REQUEST, requestId, body);
  }

  /** FCGI_UNKNOWN_TYPE (section 4.2): a management record of a type this side does not know. */
  RecordWriter unknownType(int type) {
    byte[] body = new byte[8];
    body[0] = (byte) type;
    return record(FastCgi.UNKNOWN_TYPE, FastCgi.NULL_REQUEST_ID, body);
  }

  void sendTo(OutputStream out) throws IOException {
    pending.writeTo(out);
    out.flush();
    pending.reset();
  }
}
