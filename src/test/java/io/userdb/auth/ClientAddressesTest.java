package io.userdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClientAddressesTest {

  @Test
  void forwarded_for_counts_only_from_a_trusted_proxy() {
    ClientAddresses none = ClientAddresses.PEER_ONLY;
    assertEquals(
        "203.0.113.9", none.keyOf("203.0.113.9", "198.51.100.1"), "a client cannot name itself");
    ClientAddresses lb = ClientAddresses.trusting("10.0.0.0/8, 192.0.2.1");
    assertEquals("198.51.100.7", lb.keyOf("10.1.2.3", "198.51.100.7"));
    assertEquals("203.0.113.9", lb.keyOf("203.0.113.9", "198.51.100.7"), "not from a trusted peer");
  }

  @Test
  void the_chain_is_read_from_the_right_and_stops_at_the_first_untrusted_hop() {
    ClientAddresses lb = ClientAddresses.trusting("10.0.0.0/8,192.0.2.1");
    // The client prepended a forged hop; the proxies appended the real ones.
    assertEquals(
        "198.51.100.7", lb.keyOf("10.0.0.1", "1.2.3.4, 198.51.100.7, 192.0.2.1, 10.9.9.9"));
    assertEquals("10.0.0.1", lb.keyOf("10.0.0.1", "garbage"), "garbage: the last trusted proxy");
    assertEquals("10.0.0.5", lb.keyOf("10.0.0.1", "not-an-ip, 10.0.0.5"), "stops at garbage");
  }

  @Test
  void ipv6_clients_are_keyed_by_their_64_block() {
    ClientAddresses none = ClientAddresses.PEER_ONLY;
    String a = none.keyOf("2001:db8:1:2:aaaa::1", null);
    assertEquals(a, none.keyOf("2001:db8:1:2:ffff:ffff:ffff:ffff", null), "one /64, one key");
    assertEquals("2001:db8:1:2::/64", a);
    assertEquals("2001:db8:1:3::/64", none.keyOf("2001:db8:1:3::1", null));
    assertEquals("192.0.2.4", none.keyOf("::ffff:192.0.2.4", null), "a mapped IPv4 is its IPv4");
  }

  @Test
  void a_bad_trusted_entry_is_refused() {
    for (String bad : new String[] {"example.org", "10.0.0.0/33", "10.0.0.0/x", "::1/129"}) {
      assertThrows(IllegalArgumentException.class, () -> ClientAddresses.trusting(bad), bad);
    }
  }
}
