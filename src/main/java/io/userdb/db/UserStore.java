package io.userdb.db;

import io.userdb.audit.AuditFeed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One store of users and sessions (a SQLite file, a database server) as the pool and the CLI see
 * it: what opens a {@link UserDatabase}, what counts changes, and what the store can do as a whole.
 * Each kind of store lives in a package of its own, found by {@link UserStores} from the location
 * the user gave; nothing outside that package names it.
 *
 * <p>Thread-safe.
 */
public interface UserStore extends AutoCloseable {

  /**
   * Opens one object: a connection of its own, configured, the schema brought up to date, its
   * statements prepared. The caller closes it (the pool's factory does so on destroy).
   *
   * @throws DatabaseException if the store cannot be reached or used
   */
  UserDatabase open();

  /**
   * Where the objects opened from now on send the audit records they commit ({@code --audit-log});
   * set before a pool opens any.
   */
  void feedAuditTo(AuditFeed feed);

  /**
   * The change counter behind {@link UserDatabase#dataVersion()}: one per store in this process,
   * shared by every object opened on it, so versions read through any two of them compare.
   */
  ChangeTracker changes();

  /**
   * {@link UserDatabase#dataVersion()} without an object, for a store that hears about changes by
   * other means than a query on one (a listener); empty where asking takes an object (SQLite's
   * data_version is a question to one connection), and the caller borrows one.
   *
   * @param freshness how old a look the caller will take instead of asking (the change-check
   *     interval): a store that looks by itself may keep its looks that fresh while callers ask, so
   *     that they seldom wait for one
   */
  default OptionalLong lookForChanges(Duration freshness) {
    return OptionalLong.empty();
  }

  /**
   * A consistent copy of the whole store, taken online, into a new file {@code target} that only
   * its owner can read (0600): it holds every password hash. An existing file or link at {@code
   * target} is refused, left as it was.
   *
   * @throws DatabaseException if the copy fails, or this kind of store is backed up by its own
   *     tools (the message says which)
   */
  void backupTo(Path target);

  /**
   * The folder that holds the store's files on this host, where files made beside it (the generated
   * AJP secret) belong; empty for a store on a server.
   */
  Optional<Path> localFolder();

  /**
   * Stops what the store runs beside its objects (a listener); objects opened are closed by their
   * owners.
   */
  @Override
  default void close() {}

  /** Where the store is, for log lines and messages: never a password. */
  @Override
  String toString();
}
