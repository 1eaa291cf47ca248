package io.userdb;

import static io.userdb.ApiAssertions.body;
import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static io.userdb.HttpApi.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.HttpApi.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content Apache guards with userdb (mod_authnz_fcgi and the shipped userdb-guard.conf). */
class GuardIT {

  private static final String[] ADMIN = basic("admin", TestServer.ADMIN_PASSWORD);

  @TempDir Path work;

  static void createUser(HttpApi http, String name, String password, String... roles) {
    Reply created =
        http.send(
            "POST",
            "/api/users",
            json("username", name, "password", password, "roles", roles),
            ADMIN);
    assertEquals(201, created.status(), created.body());
  }

  @Test
  void a_session_opens_guarded_files_and_nobody_else_gets_them() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      Reply anonymous = http.get("/protected/page.txt");
      assertEquals(401, anonymous.status(), anonymous.body() + stack.apache.logs());
      assertEquals("authentication_required", body(anonymous).path("error").asText());
      assertTrue(anonymous.header("Content-Type").orElse("").startsWith("application/json"));

      String token = http.login("admin", TestServer.ADMIN_PASSWORD);
      Reply page = http.get("/protected/page.txt", session(token));
      assertEquals(200, page.status(), page.body() + stack.apache.logs());
      assertEquals(GuardStack.PAGE, page.body());

      Reply browser = http.get("/protected/page.txt", "Accept", "text/html,*/*;q=0.8");
      assertEquals(302, browser.status(), browser.body());
      assertEquals(
          "/console/?return=%2Fprotected%2Fpage.txt", browser.header("Location").orElse(""));
    }
  }

  @Test
  void basic_credentials_open_guarded_files_both_ways_apache_can_ask() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      assertEquals(GuardStack.PAGE, http.get("/protected/page.txt", ADMIN).body());
      assertEquals(
          "user=admin roles=null cookie=false authorization=false\n",
          http.get("/dav/x", ADMIN).body());
      assertEquals(401, http.get("/protected/page.txt", basic("admin", "wrong")).status());
      assertEquals(401, http.get("/dav/x", basic("admin", "wrong")).status());
      assertEquals(401, http.get("/dav/x").status());
    }
  }

  @Test
  void roles_and_the_default_user_decide_where_the_site_says() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      createUser(http, "pat", "pat-password-1234", "user");
      String[] pat = basic("pat", "pat-password-1234");
      assertEquals(GuardStack.PAGE, http.get("/protected/page.txt", pat).body());
      Reply refused = http.get("/protected/admin/secret.txt", pat);
      assertEquals(403, refused.status(), refused.body() + stack.apache.logs());
      Reply admin = http.get("/protected/admin/secret.txt", ADMIN);
      assertEquals(GuardStack.ADMIN_PAGE, admin.body(), stack.apache.logs());
      Reply guest = http.get("/protected/public/hello.txt");
      assertEquals(GuardStack.PUBLIC_PAGE, guest.body(), stack.apache.logs());
      assertEquals(401, http.get("/protected/page.txt").status(), "no guest outside public/");
    }
  }

  @Test
  void the_app_behind_apache_learns_who_signed_in_and_nothing_a_client_forges() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      String token = http.login("admin", TestServer.ADMIN_PASSWORD);
      Reply app =
          http.get(
              "/app/x",
              "Cookie",
              "USERDB_SESSION=" + token,
              "X-Remote-User",
              "mallory",
              "Remote-User",
              "mallory",
              "Variable-REMOTE_USER",
              "mallory");
      assertEquals(200, app.status(), app.body() + stack.apache.logs());
      assertEquals("user=admin roles=admin,user cookie=false authorization=false\n", app.body());
      Reply forged = http.get("/app/x", "X-Remote-User", "admin", "Remote-User", "admin");
      assertEquals(401, forged.status(), forged.body());
    }
  }

  @Test
  void a_sign_in_returns_only_to_a_path_on_this_site() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      Reply good =
          http.send(
              "POST",
              "/api/session",
              json(
                  "username", "admin",
                  "password", TestServer.ADMIN_PASSWORD,
                  "return", "/protected/page.txt?a=1"));
      assertEquals(200, good.status(), good.body());
      assertEquals("/protected/page.txt?a=1", body(good).path("returnTo").asText());
      String[] corpus = {
        "//evil.example", "/\\evil.example", "https://evil.example", "/%2f%2fevil.example",
        "/%5cevil.example", "/%252f%252fevil.example", "/x\r\nSet-Cookie: a=b", "/x%0d%0ay",
        "javascript:alert(1)", "/" + "a".repeat(3000)
      };
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        java.util.List<java.util.concurrent.Future<Reply>> replies = new java.util.ArrayList<>();
        for (String target : corpus) {
          replies.add(
              pool.submit(
                  () ->
                      http.send(
                          "POST",
                          "/api/session",
                          json(
                              "username",
                              "admin",
                              "password",
                              TestServer.ADMIN_PASSWORD,
                              "return",
                              target))));
        }
        for (int i = 0; i < corpus.length; i++) {
          Reply refused = replies.get(i).get();
          assertEquals(400, refused.status(), corpus[i] + ": " + refused.body());
          assertEquals("invalid_return", body(refused).path("error").asText());
          assertTrue(refused.cookies().isEmpty(), "no session for a refused sign-in");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void revocation_is_seen_by_the_next_guarded_request() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      createUser(http, "pat", "pat-password-1234", "user", "admin");
      String[] pat = basic("pat", "pat-password-1234");
      String token = http.login("pat", "pat-password-1234");
      assertEquals(200, http.get("/protected/admin/secret.txt", session(token)).status());
      Reply demoted =
          http.send("PATCH", "/api/users/pat", json("roles", new String[] {"user"}), ADMIN);
      assertEquals(200, demoted.status(), demoted.body());
      assertEquals(403, http.get("/protected/admin/secret.txt", session(token)).status());
      assertEquals(403, http.get("/protected/admin/secret.txt", pat).status());
      assertEquals(200, http.get("/protected/page.txt", session(token)).status());
      assertEquals(204, http.send("DELETE", "/api/session", null, session(token)).status());
      Reply ended = http.get("/protected/page.txt", session(token));
      assertEquals(401, ended.status(), ended.body());
      assertEquals("session_ended", body(ended).path("error").asText());
      assertEquals(200, http.get("/protected/page.txt", pat).status());
      Reply disabled = http.send("PATCH", "/api/users/pat", json("disabled", true), ADMIN);
      assertEquals(200, disabled.status(), disabled.body());
      assertEquals(401, http.get("/protected/page.txt", pat).status());
      assertEquals(401, http.get("/dav/x", pat).status());
    }
  }

  @Test
  void with_userdb_stopped_apache_serves_nothing_guarded() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      assertEquals(200, http.get("/protected/page.txt", ADMIN).status());
      stack.backend.close();
      for (String path :
          new String[] {"/protected/page.txt", "/protected/public/hello.txt", "/app/x", "/dav/x"}) {
        Reply reply = http.get(path, ADMIN);
        assertEquals(500, reply.status(), path + ": " + reply.body());
        assertTrue(
            !reply.body().contains("guarded") && !reply.body().contains("user="), reply.body());
      }
    }
  }

  @Test
  void path_tricks_in_parallel_never_reach_a_guarded_file_unchecked() throws Exception {
    try (GuardStack stack = GuardStack.start(work)) {
      HttpApi http = stack.http();
      createUser(http, "pat", "pat-password-1234", "user");
      String patAuth = "Authorization: " + basic("pat", "pat-password-1234")[1] + "\r\n";
      String[] tricks = {
        "/protected//page.txt",
        "//protected/page.txt",
        "/protected/./page.txt",
        "/protected/%2e/page.txt",
        "/protected/x/../page.txt",
        "/protected/x/%2e%2e/page.txt",
        "/public/../protected/page.txt",
        "/protected/public/../page.txt",
        "/protected/public/%2e%2e/page.txt",
        "/protected/public/..%2fpage.txt",
        "/protected/public/..;/page.txt",
        "/PROTECTED/page.txt",
        "/Protected/page.txt",
        "/%70rotected/page.txt",
        "/protected%2fpage.txt",
        "/protected/page.txt;x=1",
        "/protected/page.txt%00",
      };
      String[] adminTricks = {
        "/protected/admin/secret.txt",
        "/protected//admin/secret.txt",
        "/protected/public/../admin/secret.txt",
        "/protected/public/%2e%2e/admin/secret.txt",
        "/protected/%61dmin/secret.txt",
        "/protected/ADMIN/secret.txt",
        "/protected/admin./secret.txt",
        "/protected/./admin/secret.txt",
      };
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        java.util.List<java.util.concurrent.Future<String>> wrong = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (String path : tricks) {
            wrong.add(pool.submit(() -> leaked(stack, path, "", GuardStack.PAGE)));
          }
          for (String path : adminTricks) {
            wrong.add(pool.submit(() -> leaked(stack, path, patAuth, GuardStack.ADMIN_PAGE)));
          }
        }
        for (java.util.concurrent.Future<String> w : wrong) {
          String leak = w.get();
          assertTrue(leak == null, leak);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Null if the request did not get {@code secret}'s content; else what it got. */
  private static String leaked(GuardStack stack, String path, String headers, String secret)
      throws java.io.IOException {
    byte[] request =
        ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    RawResponse reply = RawResponse.exchange(stack.apache.port, request);
    return reply.body().contains(secret.strip())
        ? path + " -> " + reply.status() + " " + reply.body()
        : null;
  }
}
