package io.userdb.db;

import java.util.Set;

/** A partial update of a user's profile: a null field is left as it is. */
public record ProfileChange(String displayName, String email, Set<String> roles, Boolean disabled) {

  public static ProfileChange disabled(boolean disabled) {
    return new ProfileChange(null, null, null, disabled);
  }

  /** Whether this change alters what a cached credential or a session may grant. */
  public boolean touchesAccess() {
    return roles != null || disabled != null;
  }
}
