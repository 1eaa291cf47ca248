package io.userdb.db.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.userdb.db.jdbc.FailureKind;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one place SQLSTATEs are read: each class of failure and what the pool and API make of it. */
class PgErrorsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "23505, DUPLICATE", // unique_violation: 409
    "40001, RETRY", // serialization_failure
    "40P01, RETRY", // deadlock_detected
    "55P03, BUSY", // lock_not_available (lock_timeout)
    "53100, FULL", // disk_full: 507
    "53200, BUSY", // out_of_memory: try later, not "full"
    "53300, BUSY", // too_many_connections
    "25006, BROKEN", // read_only_sql_transaction: a standby
    "57P01, BROKEN", // admin_shutdown
    "08006, BROKEN", // connection_failure
    "XX000, BROKEN", // internal_error
    "22001, REFUSED", // string_data_right_truncation
  })
  void each_sqlstate_has_one_meaning(String state, FailureKind kind) {
    assertEquals(kind, PgErrors.classify(new SQLException("failed", state)));
  }

  @Test
  void no_sqlstate_means_the_driver_lost_the_connection() {
    assertEquals(FailureKind.BROKEN, PgErrors.classify(new SQLException("socket closed")));
  }
}
