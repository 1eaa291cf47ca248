package io.userdb.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserTest {

  @Test
  void a_user_printed_anywhere_shows_no_password_hash() {
    String hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    User user =
        new User(
            7,
            "kim",
            hash,
            "Kim",
            "kim@example.org",
            Set.of("user"),
            false,
            Instant.EPOCH,
            Instant.EPOCH,
            0,
            Instant.EPOCH);
    assertFalse(user.toString().contains(hash), user.toString());
    assertFalse(user.toString().contains("argon2"), user.toString());
    assertTrue(user.toString().contains("kim"), user.toString());
  }
}
