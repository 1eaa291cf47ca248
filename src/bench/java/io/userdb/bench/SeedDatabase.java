package io.userdb.bench;

import io.userdb.auth.PasswordHasher;
import io.userdb.db.NewUser;
import io.userdb.db.StoreSettings;
import io.userdb.db.UserDatabase;
import io.userdb.db.UserStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/**
 * Fills a database with N users named user0..userN-1, all with one password, in a single
 * transaction: the password is hashed once (Argon2id), not N times.
 *
 * <pre>java -cp ... io.userdb.bench.SeedDatabase DB COUNT PASSWORD</pre>
 */
public final class SeedDatabase {

  private SeedDatabase() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    long start = System.nanoTime();
    String hash = new PasswordHasher().hash(args[2]);
    try (UserDatabase db =
        UserStores.open(
                StoreSettings.existing(file.toString())
                    .withLockWait(Duration.ofSeconds(30))
                    .creatingIt())
            .open()) {
      seed(db, count, hash);
    }
    System.out.printf("seeded %d users in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
  }

  static String name(int i) {
    return "user" + i;
  }

  static void seed(UserDatabase db, int count, String hash) {
    Iterable<NewUser> users =
        () ->
            new Iterator<>() {
              int next = 0;

              @Override
              public boolean hasNext() {
                return next < count;
              }

              @Override
              public NewUser next() {
                String name = name(next++);
                return new NewUser(
                    name, hash, "User " + name, name + "@example.org", Set.of("user"));
              }
            };
    db.createUsers(users, Instant.now());
  }
}
