package io.userdb.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whose address a request is, for the per-address limit. The TCP peer (through AJP: the peer Apache
 * saw), unless that peer is one of the configured trusted proxies: then, as Apache's mod_remoteip
 * does, {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first
 * address that is not one is the client. Nobody else's {@code X-Forwarded-For} counts. IPv6 clients
 * are keyed by their /64, the block one subscriber gets. Immutable.
 */
public final class ClientAddresses {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private record Block(byte[] prefix, int bits) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Block> trusted;

  private ClientAddresses(List<Block> trusted) {
    this.trusted = trusted;
  }

  public static final ClientAddresses PEER_ONLY = new ClientAddresses(List.of());

  /**
   * @param trustedProxies addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}),
   *     comma-separated; empty for none
   * @throws IllegalArgumentException naming an entry that is not a literal address or block
   */
  public static ClientAddresses trusting(String trustedProxies) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : trustedProxies.split(",")) {
      String e = entry.trim();
      if (!e.isEmpty()) {
        blocks.add(block(e));
      }
    }
    return new ClientAddresses(List.copyOf(blocks));
  }

  private static Block block(String entry) {
    int slash = entry.indexOf('/');
    byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
    }
    int bits = address.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException("'" + entry + "' has a bad prefix length");
      }
    }
    return new Block(address, bits);
  }

  /** The bytes of a literal IPv4 or IPv6 address, or null; never a name lookup. */
  private static byte[] literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(t).getAddress(); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The key the per-address limit counts under.
   *
   * @param peer the TCP peer's address as Tomcat reports it
   * @param forwardedFor the {@code X-Forwarded-For} header, or null
   */
  public String keyOf(String peer, String forwardedFor) {
    byte[] client = literal(peer);
    if (client == null) {
      return peer;
    }
    if (forwardedFor != null && isTrusted(client)) {
      String[] hops = forwardedFor.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        byte[] hop = literal(hops[i]);
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
    return trusted.stream().anyMatch(b -> b.contains(address));
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
