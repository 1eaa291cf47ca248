package io.userdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * userdb configures no upgrade protocol (no HTTP/2 cleartext, no WebSocket), so Tomcat's upgrade
 * code, where 11.0.27 had a memory leak, is never entered: an upgrade request gets a plain answer.
 */
class HttpUpgradeIT {

  @TempDir Path folder;

  @Test
  void upgrade_requests_get_a_plain_answer_never_101() throws Exception {
    try (TestServer server = TestServer.start(folder)) {
      for (String upgrade :
          List.of(
              "h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
              "websocket\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13")) {
        byte[] request =
            ("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: "
                    + upgrade
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        RawResponse reply = RawResponse.exchange(server.service().httpPort(), request);
        assertEquals(200, reply.status(), upgrade + ": " + reply.headers());
        assertFalse(reply.headers().toLowerCase().contains("upgrade:"), reply.headers());
      }
    }
  }
}
