package io.userdb.fastcgi;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input that ends at a deadline for the whole connection, not per read: a peer sending
 * one byte just inside each read timeout would otherwise hold the connection for ever.
 */
final class DeadlineInputStream extends InputStream {

  private final Socket socket;
  private final InputStream in;
  private final long deadlineNanos;

  DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.deadlineNanos = deadlineNanos;
  }

  private void arm() throws IOException {
    long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0) {
      throw new SocketTimeoutException("the connection's deadline passed");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
  }

  @Override
  public int read() throws IOException {
    arm();
    return in.read();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    arm();
    return in.read(buffer, offset, length);
  }
}
