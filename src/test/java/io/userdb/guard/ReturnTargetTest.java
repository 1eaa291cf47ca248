package io.userdb.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The open-redirect corpus: a return target is a path on this site or nothing. */
class ReturnTargetTest {

  @Test
  void paths_on_this_site_are_kept_as_given() {
    for (String path :
        List.of(
            "/",
            "/protected/page.txt",
            "/app/x?y=1&z=%2F",
            "/a/b;c=d",
            "/%E2%9C%93/caf%C3%A9",
            "/search?q=http://example.org",
            "/a+b")) {
      assertEquals(Optional.of(path), ReturnTarget.check(path), path);
    }
  }

  @Test
  void anything_a_browser_could_read_as_another_site_is_refused() {
    List<String> corpus =
        List.of(
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "http:evil.example",
            "javascript:alert(1)",
            "evil.example/x",
            "",
            " /x",
            "/%2f%2fevil.example",
            "/%2F/evil.example",
            "%2f%2fevil.example",
            "/%5cevil.example",
            "/%5Cevil.example",
            "/%252f%252fevil.example",
            "/%25252f%25252fevil.example",
            "/%2525252f%2525252fevil.example",
            "/x\r\nSet-Cookie: a=b",
            "/x%0d%0aSet-Cookie:%20a=b",
            "/x%0aLocation:%20//evil",
            "/\tevil",
            "/%09/evil.example",
            "/x\u0000",
            "/%00",
            "/%C2%85x", // NEL, a C1 control
            "/%E2%80%AEx", // a bidi override: the address shown is not the one followed
            "/%E2%80%A8x", // a line separator
            "/x y",
            "/\u00e9",
            "/%",
            "/%zz",
            "/" + "a".repeat(ReturnTarget.MAX_LENGTH));
    for (String target : corpus) {
      assertEquals(Optional.empty(), ReturnTarget.check(target), target);
    }
  }

  @Test
  void the_sign_in_page_carries_the_target_encoded_or_the_site_root() {
    assertEquals(
        "/console/?return=%2Fprotected%2Fpage.txt%3Fa%3D1",
        ReturnTarget.signInPage("/console/", "/protected/page.txt?a=1"));
    assertEquals("/console/?return=%2F", ReturnTarget.signInPage("/console/", "//evil.example"));
  }
}
