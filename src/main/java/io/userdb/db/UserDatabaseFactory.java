package io.userdb.db;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;

/**
 * The pool's lifecycle for {@link SqliteUserDatabase}: create opens and configures a
 * connection and prepares its statements; validate is a cheap query; destroy closes.
 */
final class UserDatabaseFactory extends BasePooledObjectFactory<SqliteUserDatabase> {

  private final Path file;
  private final Duration busyTimeout;

  UserDatabaseFactory(Path file, Duration busyTimeout) {
    this.file = file;
    this.busyTimeout = busyTimeout;
  }

  @Override
  public SqliteUserDatabase create() {
    return SqliteUserDatabase.open(file, busyTimeout);
  }

  @Override
  public PooledObject<SqliteUserDatabase> wrap(SqliteUserDatabase db) {
    return new DefaultPooledObject<>(db);
  }

  @Override
  public boolean validateObject(PooledObject<SqliteUserDatabase> pooled) {
    return pooled.getObject().isUsable();
  }

  @Override
  public void destroyObject(PooledObject<SqliteUserDatabase> pooled) {
    pooled.getObject().close();
  }
}
