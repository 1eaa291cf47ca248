package io.userdb.db;

import java.util.List;
import java.util.ServiceLoader;

/** Finds the kind of store a location names, among the registered {@link UserStoreProvider}s. */
public final class UserStores {

  private static final List<UserStoreProvider> PROVIDERS =
      ServiceLoader.load(UserStoreProvider.class, UserStores.class.getClassLoader()).stream()
          .map(ServiceLoader.Provider::get)
          .toList();

  private UserStores() {}

  /**
   * The store {@code settings} describe.
   *
   * @throws DatabaseException if no kind of store accepts the location, or as {@link
   *     UserStoreProvider#open} does
   */
  public static UserStore open(StoreSettings settings) {
    List<UserStoreProvider> accepting =
        PROVIDERS.stream().filter(p -> p.accepts(settings.location())).toList();
    if (accepting.size() != 1) {
      throw new DatabaseException(
          accepting.isEmpty()
              ? "no kind of store takes the location " + settings.redactedLocation()
              : "more than one kind of store takes the location " + settings.redactedLocation());
    }
    return accepting.get(0).open(settings);
  }
}
