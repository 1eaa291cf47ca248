package io.userdb.db;

import java.util.Set;

/** What it takes to create a user; the password is already hashed. */
public record NewUser(
    String username, String passwordHash, String displayName, String email, Set<String> roles) {}
