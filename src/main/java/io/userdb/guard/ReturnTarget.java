package io.userdb.guard;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a sign-in sends the user back: only ever a path on the same site. Anything a browser could
 * read as another origin is refused, in every form it can take: {@code //host} and {@code /\host}
 * (browsers read a backslash as a slash), a scheme ({@code https:}, {@code javascript:}), and the
 * same once or twice percent-encoded; control characters (CR and LF among them), characters a URI
 * does not hold, and over-long values. Immutable, stateless.
 */
public final class ReturnTarget {

  /** Longer than any guarded page's address should be, short enough for a query parameter. */
  public static final int MAX_LENGTH = 2048;

  /** A path and query of RFC 3986 characters only, starting with exactly one slash. */
  private static final Pattern SAFE =
      Pattern.compile("/(?![/\\\\])[A-Za-z0-9\\-._~!$&'()*+,;=:@/?%]*");

  /**
   * How many layers of percent-encoding are looked through (a browser decodes at most one); a
   * target encoded deeper is refused.
   */
  private static final int DECODINGS = 3;

  private ReturnTarget() {}

  /** The path, if a browser would stay on this site following it. */
  public static Optional<String> check(String target) {
    if (target == null || target.isEmpty() || target.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    String layer = target;
    for (int i = 0; ; i++) {
      if (!SAFE.matcher(layer).matches() && !(i > 0 && isPlainText(layer))) {
        return Optional.empty();
      }
      if (layer.startsWith("//") || layer.startsWith("/\\") || layer.contains("\\")) {
        return Optional.empty();
      }
      String decoded = decode(layer);
      if (decoded == null) {
        return Optional.empty();
      }
      if (decoded.equals(layer)) {
        break;
      }
      if (i == DECODINGS) {
        return Optional.empty(); // encoded deeper than any honest link is
      }
      layer = decoded;
    }
    return Optional.of(target);
  }

  /**
   * A decoded layer may hold characters the encoded form did not allow (a space, a quote), which
   * are harmless in a path; never control characters or a different start.
   */
  private static boolean isPlainText(String layer) {
    if (!layer.startsWith("/") || layer.startsWith("//")) {
      return false;
    }
    for (int i = 0; i < layer.length(); i++) {
      char c = layer.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\\' || isInvisibleControl(c)) {
        return false;
      }
    }
    return true;
  }

  /** Line separators and bidi controls: text that shows one address and holds another. */
  private static boolean isInvisibleControl(char c) {
    return c == 0x2028
        || c == 0x2029
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200e
        || c == 0x200f;
  }

  private static String decode(String layer) {
    try {
      return URLDecoder.decode(layer.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null; // a lone '%' or a bad escape: nothing a path needs
    }
  }

  /** The sign-in page's address that returns to {@code uri} once signed in. */
  public static String signInPage(String signInPath, String uri) {
    String back = check(uri).orElse("/");
    return signInPath + "?return=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
  }
}
