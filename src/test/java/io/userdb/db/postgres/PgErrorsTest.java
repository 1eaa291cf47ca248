package io.userdb.db.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.userdb.db.jdbc.FailureKind;
import java.io.FileNotFoundException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The one place SQLSTATEs are read: each class of failure and what the pool and API make of it;
 * which connection failures are worth waiting out, with exceptions shaped as pgjdbc 42.7 throws
 * them (PostgresTlsIT meets the real ones).
 */
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

  @Test
  void a_server_that_does_not_answer_or_drops_the_handshake_is_unreachable() {
    assertTrue(
        PgErrors.isUnreachable(
            new PSQLException(
                "Connection refused",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                new SocketException())));
    assertTrue(
        PgErrors.isUnreachable(
            new PSQLException(
                "SSL error: Connection reset",
                PSQLState.CONNECTION_FAILURE,
                new SocketException("Connection reset"))));
  }

  @Test
  void a_certificate_no_trusted_ca_signed_is_a_refusal_not_an_outage() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertificateException("unable to find valid certification path"));
    PSQLException e =
        new PSQLException(
            "SSL error: PKIX path building failed", PSQLState.CONNECTION_FAILURE, handshake);
    assertTrue(PgErrors.isUntrustedServer(e));
    assertFalse(PgErrors.isUnreachable(e));
  }

  @Test
  void a_host_name_the_certificate_lacks_or_a_missing_root_certificate_is_a_refusal() {
    assertFalse(
        PgErrors.isUnreachable(
            new PSQLException(
                "The hostname 127.0.0.1 could not be verified", PSQLState.CONNECTION_FAILURE)));
    assertFalse(
        PgErrors.isUnreachable(
            new PSQLException(
                "Could not open SSL root certificate file /home/u/.postgresql/root.crt.",
                PSQLState.CONNECTION_FAILURE,
                new FileNotFoundException())));
  }

  @Test
  void a_connection_pgjdbc_rejects_itself_is_a_refusal_and_a_full_server_is_waited_for() {
    assertFalse(
        PgErrors.isUnreachable(
            new PSQLException(
                "The server requested SCRAM-based authentication, but no password was provided.",
                PSQLState.CONNECTION_REJECTED)));
    assertFalse(
        PgErrors.isUnreachable(
            new PSQLException("The server does not support SSL.", PSQLState.CONNECTION_REJECTED)));
    assertTrue(
        PgErrors.isUnreachable(new SQLException("sorry, too many clients already", "53300")));
  }
}
