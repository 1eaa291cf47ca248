package io.userdb.fastcgi;

import java.io.IOException;

/**
 * The peer broke the protocol or a limit: the connection is closed without an answer. The message
 * says what, for the log; it never carries what the peer sent.
 */
public final class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  ProtocolException(String message) {
    super(message);
  }
}
