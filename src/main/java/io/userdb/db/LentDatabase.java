package io.userdb.db;

import org.apache.commons.pool2.impl.DefaultPooledObject;

/**
 * The pool's record of one {@link UserDatabase}, with the thread that borrowed it last: the
 * abandoned-object report names it and where it is now.
 */
final class LentDatabase extends DefaultPooledObject<UserDatabase> {

  private volatile Thread borrower;

  LentDatabase(UserDatabase db) {
    super(db);
  }

  void lentTo(Thread thread) {
    borrower = thread;
  }

  Thread borrower() {
    return borrower;
  }
}
