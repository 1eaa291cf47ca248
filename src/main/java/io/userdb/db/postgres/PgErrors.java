package io.userdb.db.postgres;

import io.userdb.db.jdbc.FailureKind;
import java.io.FileNotFoundException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;

/**
 * What a PostgreSQL failure means, decided once from its SQLSTATE, as HikariCP's
 * ProxyConnection.checkException decides whether a connection is broken.
 */
final class PgErrors {

  private PgErrors() {}

  static FailureKind classify(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return FailureKind.BROKEN; // the driver lost the socket, or the connection is closed
    }
    return switch (state) {
      case "23505" -> FailureKind.DUPLICATE;
      case "40001", "40P01" ->
          FailureKind.RETRY; // serialization failure, deadlock: nothing written
      case "55P03" -> FailureKind.BUSY; // lock_timeout
      case "53100" -> FailureKind.FULL; // disk_full
      case "25006" -> FailureKind.BROKEN; // read-only: a standby, or a primary demoted under us
      default -> classifyByClass(state);
    };
  }

  private static FailureKind classifyByClass(String state) {
    return switch (state.substring(0, 2)) {
      case "53" -> FailureKind.BUSY; // out of memory, connections or a limit: try later
      case "08", "57", "58", "XX" -> FailureKind.BROKEN; // connection, shutdown, system, internal
      default -> FailureKind.REFUSED;
    };
  }

  /**
   * The server did not answer a connection, is starting up or shutting down, or has no room for one
   * more (08001, 08006, 57P03, 53300): worth trying again later, unlike a refused password (28P01),
   * a connection pgjdbc itself rejects (08004: no password given, or TLS required of a server
   * without it) or a server that fails the TLS checks ({@link #isUntrustedServer}).
   */
  static boolean isUnreachable(SQLException e) {
    String state = e.getSQLState();
    return !isUntrustedServer(e)
        && (state == null
            || (state.startsWith("08") && !state.equals("08004"))
            || state.startsWith("53")
            || state.equals("57P03")
            || state.equals("57P01"));
  }

  /**
   * pgjdbc would not trust the server it reached: a certificate no CA it trusts signed, a host name
   * the certificate does not carry, a root certificate file it cannot read. pgjdbc says 08006 for
   * these as for a lost connection, but trying again changes nothing until the URL or the files are
   * fixed. They differ by cause: a security exception or a missing file, or none at all (the host
   * name check, and the driver's other refusals of what the server says); a lost connection has an
   * I/O error.
   */
  static boolean isUntrustedServer(SQLException e) {
    if (!"08006".equals(e.getSQLState())) {
      return false;
    }
    if (e.getCause() == null) {
      return true;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof GeneralSecurityException || cause instanceof FileNotFoundException) {
        return true;
      }
    }
    return false;
  }

  /** 3D000: the database named in the URL does not exist. */
  static boolean isMissingDatabase(SQLException e) {
    return "3D000".equals(e.getSQLState());
  }
}
