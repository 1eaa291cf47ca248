package io.userdb.db;

import java.util.List;

/** One page of a user listing and the number of users matching the query overall. */
public record UserPage(long total, List<User> users) {}
