package io.userdb.db;

/**
 * One kind of store, registered as a {@link java.util.ServiceLoader} service ({@code
 * META-INF/services/io.userdb.db.UserStoreProvider}), so that adding a kind changes no code outside
 * its own package.
 */
public interface UserStoreProvider {

  /**
   * Whether {@code location} (a path or a URL, as given in {@code --db}) names a store of this
   * kind.
   */
  boolean accepts(String location);

  /**
   * The store at {@code settings.location()}.
   *
   * @throws StoreNotFoundException if it does not exist and {@code settings.create()} is false
   * @throws DatabaseException if it exists but cannot be used
   */
  UserStore open(StoreSettings settings);
}
