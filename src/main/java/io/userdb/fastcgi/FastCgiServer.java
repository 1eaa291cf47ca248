package io.userdb.fastcgi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A FastCGI listener for authorizer checks: one acceptor thread, and a fixed pool of its own
 * threads (never Tomcat's) answering one check per connection. Every wait and size is bounded by
 * {@link FastCgiLimits}: a connection past its deadline, over the connection limit, or from a peer
 * the allow-list refuses is closed unanswered, which Apache treats as a refusal (fail closed).
 */
public final class FastCgiServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(FastCgiServer.class.getName());

  /** A refused peer is logged the first time and then once per this many refusals. */
  private static final long REFUSALS_PER_LOG_LINE = 1000;

  private final ServerSocket listener;
  private final Authorizer authorizer;
  private final FastCgiLimits limits;
  private final Predicate<InetAddress> peerAllowed;
  private final ExecutorService workers;
  private final Semaphore open;
  private final Thread acceptor;
  private final AtomicLong refusedPeers = new AtomicLong();
  private final AtomicLong overLimit = new AtomicLong();
  private volatile boolean stopping;

  private FastCgiServer(
      ServerSocket listener,
      Authorizer authorizer,
      FastCgiLimits limits,
      Predicate<InetAddress> peerAllowed) {
    this.listener = listener;
    this.authorizer = authorizer;
    this.limits = limits;
    this.peerAllowed = peerAllowed;
    this.open = new Semaphore(limits.maxConnections());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            limits.threads(),
            limits.threads(),
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), // bounded by the semaphore: at most maxConnections
            r -> daemon(r, "userdb-fastcgi-" + n.incrementAndGet()));
    this.acceptor = daemon(this::acceptLoop, "userdb-fastcgi-acceptor");
  }

  /**
   * Binds and starts answering.
   *
   * @param port 0 for any free port
   * @param peerAllowed which peers may ask; the others are closed on at once
   */
  public static FastCgiServer start(
      InetAddress address,
      int port,
      Authorizer authorizer,
      FastCgiLimits limits,
      Predicate<InetAddress> peerAllowed)
      throws IOException {
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(address, port), 128);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    FastCgiServer server = new FastCgiServer(listener, authorizer, limits, peerAllowed);
    server.acceptor.start();
    return server;
  }

  public int port() {
    return listener.getLocalPort();
  }

  public InetAddress address() {
    return listener.getInetAddress();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void acceptLoop() {
    while (!stopping) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!stopping) {
          LOG.log(Level.WARNING, "fastcgi: accept failed: " + e.getMessage());
        }
        continue;
      }
      long deadline = System.nanoTime() + limits.connectionDeadline().toNanos();
      if (!peerAllowed.test(socket.getInetAddress())) {
        noteRefused(
            refusedPeers, "a peer --fastcgi-allow does not admit: " + socket.getInetAddress());
        closeQuietly(socket);
      } else if (!open.tryAcquire()) {
        noteRefused(overLimit, limits.maxConnections() + " connections open already");
        closeQuietly(socket);
      } else {
        try {
          workers.execute(() -> serve(socket, deadline));
        } catch (RuntimeException e) { // rejected while stopping
          open.release();
          closeQuietly(socket);
        }
      }
    }
  }

  private static void noteRefused(AtomicLong counter, String why) {
    long n = counter.incrementAndGet();
    if (n % REFUSALS_PER_LOG_LINE == 1) {
      LOG.warning("fastcgi: closed a connection unanswered (" + n + " so far): " + why);
    }
  }

  private void serve(Socket socket, long deadline) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(new DeadlineInputStream(socket, deadline), 8192);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1024);
      AuthorizerExchange exchange = new AuthorizerExchange(in, out, limits);
      Map<String, String> params = exchange.readRequest();
      if (params != null) {
        exchange.respond(decide(params));
      }
    } catch (ProtocolException e) {
      LOG.fine(() -> "fastcgi: " + socket.getInetAddress() + ": " + e.getMessage());
    } catch (SocketTimeoutException e) {
      LOG.fine(() -> "fastcgi: " + socket.getInetAddress() + " took too long");
    } catch (SocketException e) {
      LOG.fine(() -> "fastcgi: " + socket.getInetAddress() + " went away: " + e.getMessage());
    } catch (IOException e) {
      LOG.fine(() -> "fastcgi: " + socket.getInetAddress() + ": " + e);
    } finally {
      open.release();
    }
  }

  private AuthorizerResponse decide(Map<String, String> params) {
    try {
      return authorizer.authorize(params);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "fastcgi: the check failed unexpectedly", e);
      return AuthorizerResponse.of(500);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.fine(() -> "fastcgi: closing a refused connection: " + e.getMessage());
    }
  }

  /** Stops accepting, lets checks under way finish within {@code grace}, then closes the rest. */
  public void stop(Duration grace) {
    stopping = true;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.fine(() -> "fastcgi: closing the listener: " + e.getMessage());
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
      acceptor.join(grace.toMillis());
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
