package io.userdb.audit;

import java.util.Locale;

/**
 * The events the audit log records, each with its Elastic Common Schema category. The name stored
 * and exported is {@link #id()} ({@code user.login}, {@code session.ended}, ...).
 */
public enum AuditAction {
  USER_LOGIN("authentication"),
  USER_LOCKED("authentication"),
  ADDRESS_LOCKED("authentication"),
  USER_UNLOCKED("authentication"),
  ADDRESS_UNLOCKED("authentication"),
  SESSION_CREATED("session"),
  SESSION_ENDED("session"),
  USER_CREATED("iam"),
  USER_UPDATED("iam"),
  USER_DISABLED("iam"),
  USER_ENABLED("iam"),
  USER_DELETED("iam"),
  USER_IMPORTED("iam"),
  USER_COPIED("iam"),
  USER_PASSWORD_CHANGED("iam"),
  USER_HASH_UPGRADED("iam"),
  ACCESS_REFUSED("iam"),
  SERVICE_STARTED("process"),
  SERVICE_STOPPED("process"),
  AUDIT_PRUNED("database"),
  SCHEMA_MIGRATED("database"),
  DATABASE_BACKED_UP("database"),
  AJP_REQUEST_REFUSED("authentication");

  private final String category;
  private final String id;

  AuditAction(String category) {
    this.category = category;
    String name = name().toLowerCase(Locale.ROOT);
    int first = name.indexOf('_');
    this.id = name.substring(0, first) + "." + name.substring(first + 1);
  }

  /** The stored name: {@code user.login}, {@code user.password_changed}. */
  public String id() {
    return id;
  }

  /** ECS {@code event.category}: authentication, session, iam, process or database. */
  public String category() {
    return category;
  }
}
