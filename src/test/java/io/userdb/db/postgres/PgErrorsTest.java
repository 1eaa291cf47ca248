package io.userdb.db.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * Which connection failures are worth waiting out, with exceptions shaped as pgjdbc 42.7 throws
 * them (PostgresTlsIT meets the real ones).
 */
class PgErrorsTest {

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
}
