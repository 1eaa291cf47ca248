package io.userdb.fastcgi;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads records (section 3.3): an 8-byte header, then content and padding. A record whose content
 * is longer than the limit is refused as soon as its header is read, before any of it is buffered.
 */
final class RecordReader {

  private final InputStream in;
  private final int maxContentLength;

  RecordReader(InputStream in, int maxContentLength) {
    this.in = in;
    this.maxContentLength = maxContentLength;
  }

  /**
   * @return the next record, or null if the peer closed the connection between records
   * @throws ProtocolException on a version other than 1, an over-long record, or a connection
   *     closed inside a record
   */
  FastCgiRecord next() throws IOException {
    byte[] header = new byte[FastCgi.HEADER_LENGTH];
    int first = in.read();
    if (first < 0) {
      return null;
    }
    header[0] = (byte) first;
    readFully(header, 1, header.length - 1, "header");
    int version = header[0] & 0xff;
    if (version != FastCgi.VERSION_1) {
      throw new ProtocolException("record of FastCGI version " + version + ", not 1");
    }
    int type = header[1] & 0xff;
    int requestId = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    int contentLength = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
    int paddingLength = header[6] & 0xff;
    if (contentLength > maxContentLength) {
      throw new ProtocolException(
          "record of " + contentLength + " bytes, more than the " + maxContentLength + " allowed");
    }
    byte[] content = new byte[contentLength];
    readFully(content, 0, contentLength, "content");
    skipFully(paddingLength);
    return new FastCgiRecord(type, requestId, content);
  }

  private void readFully(byte[] buffer, int offset, int length, String what) throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(buffer, offset + done, length - done);
      if (n < 0) {
        throw truncated(what);
      }
      done += n;
    }
  }

  private void skipFully(int length) throws IOException {
    byte[] padding = new byte[length];
    readFully(padding, 0, length, "padding");
  }

  private static ProtocolException truncated(String what) {
    ProtocolException e = new ProtocolException("connection closed inside a record's " + what);
    e.initCause(new EOFException());
    return e;
  }
}
