package io.userdb.auth;

import io.userdb.net.AddressBlocks;

/**
 * Whose address a request is, for the per-address limit. The TCP peer (through AJP: the peer Apache
 * saw), unless that peer is one of the configured trusted proxies: then, as Apache's mod_remoteip
 * does, {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first
 * address that is not one is the client. Nobody else's {@code X-Forwarded-For} counts. IPv6 clients
 * are keyed by their /64, the block one subscriber gets. Immutable.
 */
public final class ClientAddresses {

  private final AddressBlocks trusted;

  private ClientAddresses(AddressBlocks trusted) {
    this.trusted = trusted;
  }

  public static final ClientAddresses PEER_ONLY = new ClientAddresses(AddressBlocks.NONE);

  /**
   * @param trustedProxies addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}),
   *     comma-separated; empty for none
   * @throws IllegalArgumentException naming an entry that is not a literal address or block
   */
  public static ClientAddresses trusting(String trustedProxies) {
    return new ClientAddresses(AddressBlocks.parse(trustedProxies));
  }

  /**
   * The key the per-address limit counts under.
   *
   * @param peer the TCP peer's address as Tomcat reports it
   * @param forwardedFor the {@code X-Forwarded-For} header, or null
   */
  public String keyOf(String peer, String forwardedFor) {
    byte[] client = AddressBlocks.literal(peer);
    if (client == null) {
      return peer;
    }
    if (forwardedFor != null && isTrusted(client)) {
      String[] hops = forwardedFor.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        byte[] hop = AddressBlocks.literal(hops[i]);
        if (hop == null) {
          break; // garbage in the chain: stop at the last proxy we trust
        }
        client = hop;
        if (!isTrusted(hop)) {
          break;
        }
      }
    }
    return key(client);
  }

  private boolean isTrusted(byte[] address) {
    return trusted.contains(address);
  }

  private static String key(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff)
          + "."
          + (address[1] & 0xff)
          + "."
          + (address[2] & 0xff)
          + "."
          + (address[3] & 0xff);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      sb.append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff)))
          .append(':');
    }
    return sb.append(":/64").toString();
  }
}
