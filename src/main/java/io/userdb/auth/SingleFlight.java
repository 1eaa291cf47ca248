package io.userdb.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs one piece of work per key at a time: callers that ask for a key already being worked on wait
 * for that result instead of doing the work again. For password checks: 64 Basic requests arriving
 * together with one credential the cache does not know (at start, or when its entry expires) cost
 * one Argon2id hash, not 64 queued for the hashing slots. Thread-safe.
 */
final class SingleFlight<K, V> {

  private final ConcurrentHashMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

  /**
   * The result of {@code work} for {@code key}, run here or, if another thread is running it
   * already, that run's result or exception.
   *
   * @param beforeWaiting run first by a caller that will wait (to let go of what it holds)
   */
  V run(K key, Supplier<V> work, Runnable beforeWaiting) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> theirs = running.putIfAbsent(key, mine);
    if (theirs != null) {
      beforeWaiting.run();
      try {
        return theirs.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
    try {
      V result = work.get();
      mine.complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(key, mine);
    }
  }
}
