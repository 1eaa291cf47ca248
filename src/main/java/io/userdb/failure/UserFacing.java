package io.userdb.failure;

/**
 * Marks an exception whose message is written for the person running userdb: one line that names
 * what is wrong (an option, a file, a port, a user) and, where it can, what to do about it. Such a
 * failure is the user's or the machine's to fix, not a bug, so the command line prints its message
 * alone; any other exception is a bug and is printed with its stack trace. An exception thrown for
 * users must say everything in its message: its cause is not shown.
 */
public interface UserFacing {}
