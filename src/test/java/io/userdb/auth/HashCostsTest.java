package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HashCostsTest {

  @Test
  void a_kind_is_the_scheme_and_its_cost_never_the_salt() {
    assertEquals(
        "$argon2id$v=19$m=19456,t=2,p=1$",
        HashCosts.kindOf("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
    assertEquals(
        "$2y$12$",
        HashCosts.kindOf("$2y$12$abcdefghijklmnopqrstuv0123456789012345678901234567890"));
    assertEquals("$6$rounds=50000$", HashCosts.kindOf("$6$rounds=50000$salt$hash"));
    assertEquals("$6$", HashCosts.kindOf("$6$salt$hash"));
    assertEquals("$apr1$", HashCosts.kindOf("$apr1$salt$hash"));
    assertEquals("{SHA}", HashCosts.kindOf("{SHA}2jmj7l5rSw0yVb/vlWAYkK/YBwk="));
  }

  @Test
  void the_slowest_kind_sets_the_floor_up_to_its_cap() {
    HashCosts costs = new HashCosts();
    costs.record("{SHA}x", 1_000_000);
    costs.record("$2y$12$x", 270_000_000);
    assertEquals(Duration.ofMillis(270), costs.slowest());
    costs.record("$2y$16$x", 9_000_000_000L);
    assertEquals(HashCosts.MAX, costs.slowest());
  }
}
