package io.userdb.fastcgi;

/**
 * One record as it came off the wire: its type, request id and content (padding dropped). The
 * header's version is checked by {@link RecordReader} and never kept.
 */
record FastCgiRecord(int type, int requestId, byte[] content) {

  boolean isManagement() {
    return requestId == FastCgi.NULL_REQUEST_ID;
  }

  boolean isEmpty() {
    return content.length == 0;
  }
}
