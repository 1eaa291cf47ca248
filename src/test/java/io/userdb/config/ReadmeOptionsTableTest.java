package io.userdb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's options table, between {@code <!-- options:begin -->} and {@code <!-- options:end
 * -->}, is the one {@link Options} makes. To rewrite it after changing an option: {@code ./mvnw -o
 * -q test -Dtest=ReadmeOptionsTableTest -Dreadme.update=true}.
 */
class ReadmeOptionsTableTest {

  private static final Path README = Path.of("README.md");
  private static final String BEGIN = "<!-- options:begin -->";
  private static final String END = "<!-- options:end -->";

  @Test
  void the_readme_options_table_is_the_one_the_option_table_makes() throws Exception {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "README.md has no " + BEGIN + " ... " + END + " section");
    String written = readme.substring(begin + BEGIN.length(), end);
    String generated = "\n" + String.join("\n", table()) + "\n";
    if (Boolean.getBoolean("readme.update")) {
      Files.writeString(
          README,
          readme.substring(0, begin + BEGIN.length()) + generated + readme.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    List<String> want = generated.lines().toList();
    List<String> have = written.lines().toList();
    for (int i = 0; i < Math.max(want.size(), have.size()); i++) {
      String wanted = i < want.size() ? want.get(i) : "(no row)";
      String had = i < have.size() ? have.get(i) : "(no row)";
      assertEquals(
          wanted,
          had,
          "README.md's options table differs from Options.ALL at line "
              + i
              + " of the table;"
              + " rewrite it with ./mvnw -o -q test -Dtest=ReadmeOptionsTableTest -Dreadme.update=true");
    }
  }

  /** The markdown table: option, environment variable, default, meaning. */
  static List<String> table() {
    List<String> rows = new ArrayList<>();
    rows.add("| option | environment | default | meaning |");
    rows.add("|---|---|---|---|");
    for (Option<?> option : Options.ALL) {
      String flag =
          option.flag() + (option.isSwitch() ? " [" + option.label() + "]" : " " + option.label());
      rows.add(
          "| `"
              + flag
              + "` | `"
              + option.envName()
              + "` | "
              + cell(option.shownDefault())
              + " | "
              + cell(option.help())
              + " |");
    }
    return rows;
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
