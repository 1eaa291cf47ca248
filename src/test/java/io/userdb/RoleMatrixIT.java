package io.userdb;

import static io.userdb.HttpApi.basic;
import static io.userdb.HttpApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what: the default guest, a guest-role account, a user (on their own account and on
 * another's), an admin and a disabled user, against every endpoint and method.
 */
class RoleMatrixIT {

  @TempDir static Path folder;
  static TestServer server;
  static HttpApi http;

  /** Credentials per role; null for an anonymous request (the default guest). */
  static final Map<String, String[]> AS = new java.util.LinkedHashMap<>();

  @BeforeAll
  static void start() {
    server = TestServer.start(folder);
    http = server.http;
    String[] admin = basic("admin", TestServer.ADMIN_PASSWORD);
    create(admin, "uma", "user");
    create(admin, "otto", "user");
    create(admin, "gail", "guest");
    create(admin, "dave", "user");
    create(admin, "rita", "user");
    assertEquals(
        200, http.send("PATCH", "/api/users/dave", json("disabled", true), admin).status());
    AS.put("anonymous", new String[0]);
    AS.put("guest-account", basic("gail", "gail-password"));
    AS.put("user", basic("uma", "uma-password"));
    AS.put("admin", admin);
    AS.put("disabled", basic("dave", "dave-password"));
  }

  static void create(String[] admin, String name, String role) {
    int status =
        http.send(
                "POST",
                "/api/users",
                json(
                    "username", name, "password", name + "-password", "roles", new String[] {role}),
                admin)
            .status();
    assertEquals(201, status, "create " + name);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Case(
      String method,
      String path,
      String body,
      int anonymous,
      int guestAccount,
      int user,
      int admin,
      int disabled) {}

  @Test
  void every_role_gets_exactly_the_access_it_should() {
    String profile = json("displayName", "Changed");
    String roles = json("roles", new String[] {"admin"});
    String password = json("password", "brand-new-password", "currentPassword", "uma-password");
    List<Case> cases =
        List.of(
            new Case("GET", "/health", null, 200, 200, 200, 200, 200),
            new Case("GET", "/metrics", null, 200, 200, 200, 200, 200), // loopback client
            new Case("GET", "/api/me", null, 200, 200, 200, 200, 401),
            new Case("GET", "/api/users", null, 401, 403, 403, 200, 401),
            new Case("POST", "/api/users", null, 401, 403, 403, 201, 401),
            new Case("GET", "/api/users/uma", null, 401, 403, 200, 200, 401),
            new Case("GET", "/api/users/otto", null, 401, 403, 403, 200, 401),
            new Case("PATCH", "/api/users/uma", profile, 401, 403, 200, 200, 401),
            new Case("PATCH", "/api/users/otto", profile, 401, 403, 403, 200, 401),
            new Case("PATCH", "/api/users/rita", roles, 401, 403, 403, 200, 401),
            new Case("PUT", "/api/users/otto/password", password, 401, 403, 403, 204, 401),
            new Case("DELETE", "/api/users/otto", null, 401, 403, 403, 204, 401),
            new Case("DELETE", "/api/session", null, 204, 204, 204, 204, 401));
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (Case c : cases) {
      int[] expected = {c.anonymous(), c.guestAccount(), c.user(), c.admin(), c.disabled()};
      int i = 0;
      for (Map.Entry<String, String[]> role : AS.entrySet()) {
        String body = c.body();
        if (c.method().equals("POST") && c.path().equals("/api/users")) {
          body = json("username", "new" + (n++), "password", "new-user-password");
        }
        if (c.method().equals("DELETE")
            && c.path().startsWith("/api/users/")
            && role.getKey().equals("admin")) {
          create(AS.get("admin"), "victim", "user"); // keep otto for the rows that follow
          int status = http.send("DELETE", "/api/users/victim", null, role.getValue()).status();
          check(wrong, c, role.getKey(), expected[i++], status);
          continue;
        }
        int status = http.send(c.method(), c.path(), body, role.getValue()).status();
        check(wrong, c, role.getKey(), expected[i++], status);
      }
    }
    assertEquals(List.of(), wrong);
  }

  private static void check(List<String> wrong, Case c, String role, int expected, int actual) {
    // A disabled account's password is refused like a wrong one, so after five it is locked (429).
    boolean lockedInstead = role.equals("disabled") && expected == 401 && actual == 429;
    if (expected != actual && !lockedInstead) {
      wrong.add(
          role + " " + c.method() + " " + c.path() + ": expected " + expected + ", got " + actual);
    }
  }

  @Test
  void a_user_cannot_raise_their_own_roles_or_enable_themselves() {
    String[] uma = AS.get("user");
    assertEquals(
        403,
        http.send("PATCH", "/api/users/uma", json("roles", new String[] {"admin"}), uma).status());
    assertEquals(403, http.send("PATCH", "/api/users/uma", json("disabled", false), uma).status());
    String roles = http.get("/api/me", uma).body();
    assertEquals(true, roles.contains("\"roles\":[\"user\"]"), roles);
  }
}
