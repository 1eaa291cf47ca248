package io.userdb.auth;

import io.userdb.db.User;
import java.time.Duration;

/** The outcome of checking a username and password. */
public sealed interface LoginResult {

  /** The user as stored after the sign-in (with the upgraded hash, if one was upgraded). */
  record Success(User user) implements LoginResult {}

  /** Unknown user, wrong password and disabled account look the same from outside. */
  record Failure() implements LoginResult {}

  record Locked(Duration retryAfter) implements LoginResult {}
}
