package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.userdb.ReadmeBlocks.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How ReadmeIT reads the README: which blocks are shell, which are marked to skip, and typos. */
class ReadmeBlocksTest {

  @Test
  void shell_blocks_come_in_order_with_their_section_and_skip_mark() {
    String markdown =
        """
        # Title
        ## Run
        ```sh
        echo one
        ```
        <!-- readme-test: skip (needs Docker) -->
        ```bash
        docker compose up
        ```
        ```
        # not a heading: inside a plain block
        ```
        ### By hand
        ```console
        $ echo two
        two
        ```
        ```java
        class NotShell {}
        ```
        """;
    List<Block> blocks = ReadmeBlocks.parse(markdown);
    assertEquals(3, blocks.size(), blocks.toString());
    assertEquals("Run", blocks.get(0).section());
    assertEquals(3, blocks.get(0).line());
    assertNull(blocks.get(0).skipReason());
    assertEquals("needs Docker", blocks.get(1).skipReason());
    assertEquals("By hand", blocks.get(2).section());
    assertEquals(
        "echo two\n", blocks.get(2).script(), "a console block runs its prompted lines only");
  }

  @Test
  void a_misspelt_or_misplaced_mark_is_an_error_not_a_silent_run_or_skip() {
    for (String markdown :
        List.of(
            "<!-- readme-test: skp (typo) -->\n```sh\necho\n```\n",
            "<!-- readme-test: skip () -->\n```sh\necho\n```\n",
            "<!-- readme-test: skip (a blank line follows) -->\n\n```sh\necho\n```\n",
            "<!-- readme-test: skip (not shell) -->\n```java\nclass A {}\n```\n",
            "```sh\necho never closed\n")) {
      assertThrows(IllegalArgumentException.class, () -> ReadmeBlocks.parse(markdown), markdown);
    }
  }
}
