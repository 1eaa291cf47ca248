package io.userdb.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list of IP addresses and CIDR blocks ({@code 10.0.0.0/8,fd00::/8}), parsed from literals only:
 * never a name lookup, so a list means the same wherever it is read. Immutable.
 */
public final class AddressBlocks {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public static final AddressBlocks NONE = new AddressBlocks(List.of());

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

  private final List<Block> blocks;

  private AddressBlocks(List<Block> blocks) {
    this.blocks = blocks;
  }

  /**
   * @param list addresses and blocks, comma-separated; empty for none
   * @throws IllegalArgumentException naming an entry that is not a literal address or block
   */
  public static AddressBlocks parse(String list) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.trim();
      if (!e.isEmpty()) {
        blocks.add(block(e));
      }
    }
    return new AddressBlocks(List.copyOf(blocks));
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
  public static byte[] literal(String text) {
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

  public boolean contains(byte[] address) {
    return blocks.stream().anyMatch(b -> b.contains(address));
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }
}
