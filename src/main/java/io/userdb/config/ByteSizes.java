package io.userdb.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes as people write them: 0 (none), 65536, 512KB, 64MB, 2GB (powers of 1024). */
public final class ByteSizes {

  private static final Pattern FORM = Pattern.compile("(\\d{1,12})(|b|kb|mb|gb)");

  private ByteSizes() {}

  public static long parse(String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size like 65536, 512KB, 64MB, 2GB");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "kb" -> n << 10;
      case "mb" -> n << 20;
      case "gb" -> n << 30;
      default -> n;
    };
  }
}
