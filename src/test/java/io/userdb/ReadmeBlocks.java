package io.userdb;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks of a Markdown file (fenced {@code sh}, {@code bash} or {@code console}), in
 * order, each with the heading it sits under and whether the line before its fence marks it {@code
 * <!-- readme-test: skip (reason) -->}. Any other {@code readme-test} comment, or a skip mark not
 * directly on a shell block's fence, is an error: a typo must not silently turn a block off or
 * leave a mark meaning nothing.
 */
final class ReadmeBlocks {

  private static final Pattern FENCE = Pattern.compile("^(```+|~~~+)\\s*([\\w-]*).*$");
  private static final Pattern MARK = Pattern.compile("<!--\\s*readme-test:.*");
  private static final Pattern SKIP = Pattern.compile("<!-- readme-test: skip \\((.*\\S.*)\\) -->");
  private static final List<String> SHELLS = List.of("sh", "bash", "console");

  /** One shell block; {@code line} is the 1-based line of its opening fence. */
  record Block(int line, String section, String language, String text, String skipReason) {

    boolean skipped() {
      return skipReason != null;
    }

    /** The commands to run: the text, or for a console block its lines after a "$ " prompt. */
    String script() {
      if (!language.equals("console")) {
        return text;
      }
      StringBuilder commands = new StringBuilder();
      text.lines()
          .filter(l -> l.startsWith("$ "))
          .forEach(l -> commands.append(l.substring(2)).append('\n'));
      return commands.toString();
    }

    String where() {
      return "README.md line " + line + " (" + section + ")";
    }
  }

  private ReadmeBlocks() {}

  static List<Block> parse(String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Block> blocks = new ArrayList<>();
    String section = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        int end = closingFence(lines, i, fence.group(1));
        String previous = i > 0 ? lines.get(i - 1).strip() : "";
        String language = fence.group(2);
        if (SHELLS.contains(language)) {
          String text = String.join("\n", lines.subList(i + 1, end)) + "\n";
          blocks.add(new Block(i + 1, section, language, text, skipReason(previous, i)));
        } else if (MARK.matcher(previous).matches()) {
          throw new IllegalArgumentException(
              "line " + i + ": a readme-test mark on a block that is not shell");
        }
        i = end;
      } else if (line.startsWith("#")) {
        section = line.replaceFirst("^#+\\s*", "");
      } else if (MARK.matcher(line.strip()).matches()) {
        boolean beforeFence = i + 1 < lines.size() && FENCE.matcher(lines.get(i + 1)).matches();
        if (!beforeFence) {
          throw new IllegalArgumentException(
              "line " + (i + 1) + ": a readme-test mark must be the line before a fence");
        }
      }
    }
    return blocks;
  }

  private static int closingFence(List<String> lines, int open, String marker) {
    for (int j = open + 1; j < lines.size(); j++) {
      if (lines.get(j).strip().equals(marker)) {
        return j;
      }
    }
    throw new IllegalArgumentException("line " + (open + 1) + ": a fence that is never closed");
  }

  private static String skipReason(String previous, int fenceIndex) {
    if (!MARK.matcher(previous).matches()) {
      return null;
    }
    Matcher skip = SKIP.matcher(previous);
    if (!skip.matches()) {
      throw new IllegalArgumentException(
          "line "
              + fenceIndex
              + ": not a readme-test mark: "
              + previous
              + " (write <!-- readme-test: skip (reason) -->)");
    }
    return skip.group(1);
  }
}
