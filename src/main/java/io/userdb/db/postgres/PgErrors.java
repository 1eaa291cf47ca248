package io.userdb.db.postgres;

import io.userdb.db.jdbc.FailureKind;
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
   * The server did not answer a connection, or is starting up or shutting down (08001, 08004,
   * 08006, 57P03): worth trying again later, unlike a refused password (28P01).
   */
  static boolean isUnreachable(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.equals("57P03")
        || state.equals("57P01");
  }

  /** 3D000: the database named in the URL does not exist. */
  static boolean isMissingDatabase(SQLException e) {
    return "3D000".equals(e.getSQLState());
  }
}
