package io.userdb.fastcgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The authorizer's side of the FastCGI 1.0 specification, record by record. */
class AuthorizerExchangeTest {

  private static final int AUTHORIZER = 2;
  private static final Map<String, String> ENV = environment();

  private final ByteArrayOutputStream answers = new ByteArrayOutputStream();

  private static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FCGI_ROLE", "AUTHORIZER");
    env.put("FCGI_APACHE_ROLE", "AUTHENTICATOR");
    env.put("REQUEST_URI", "/protected/page.txt");
    env.put("HTTP_COOKIE", "USERDB_SESSION=" + "t".repeat(300)); // a four-byte length
    env.put("REMOTE_ADDR", "192.0.2.7");
    env.put("EMPTY", "");
    return env;
  }

  private AuthorizerExchange exchange(byte[] sent) {
    return exchange(new ByteArrayInputStream(sent), FastCgiLimits.DEFAULT);
  }

  private AuthorizerExchange exchange(InputStream in, FastCgiLimits limits) {
    return new AuthorizerExchange(in, answers, limits);
  }

  private List<Records.Read> answered() throws IOException {
    return Records.parse(answers.toByteArray());
  }

  /** Hands out one byte per read: every record arrives split everywhere it can be. */
  private static InputStream trickling(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(1, len));
      }
    };
  }

  @Test
  void a_request_as_apache_sends_it_is_read_and_answered_on_stdout_then_end_request()
      throws IOException {
    byte[] sent = new Records().begin(1, AUTHORIZER).environment(1, ENV, 16 * 1024).bytes();
    AuthorizerExchange exchange = exchange(sent);
    assertEquals(ENV, exchange.readRequest());
    exchange.respond(AuthorizerResponse.of(200).withVariable("REMOTE_USER", "pat"));
    List<Records.Read> records = answered();
    assertEquals(3, records.size(), records.toString());
    Records.Read stdout = records.get(0);
    assertEquals(1, stdout.version());
    assertEquals(6, stdout.type());
    assertEquals(1, stdout.requestId());
    assertEquals("Status: 200\r\nVariable-REMOTE_USER: pat\r\n\r\n", stdout.text());
    assertEquals(0, (stdout.content().length + stdout.padding()) % 8, "padded to 8 bytes");
    assertEquals(6, records.get(1).type());
    assertEquals(0, records.get(1).content().length, "the empty record ends the stream");
    Records.Read end = records.get(2);
    assertEquals(3, end.type());
    assertEquals(1, end.requestId());
    assertArrayEquals(new byte[8], end.content(), "appStatus 0, FCGI_REQUEST_COMPLETE");
  }

  @Test
  void parameters_split_anywhere_across_records_and_reads_come_out_whole() throws IOException {
    for (int perRecord : new int[] {13, 100, 65535}) { // 13: under the record limit
      byte[] sent = new Records().begin(9, AUTHORIZER).environment(9, ENV, perRecord).bytes();
      assertEquals(ENV, exchange(trickling(sent), FastCgiLimits.DEFAULT).readRequest());
    }
  }

  @Test
  void get_values_is_answered_with_what_was_asked_and_known() throws IOException {
    Map<String, String> asked = new LinkedHashMap<>();
    asked.put("FCGI_MPXS_CONNS", "");
    asked.put("FCGI_MAX_CONNS", "");
    asked.put("SOMETHING_ELSE", "");
    byte[] sent = new Records().record(9, 0, Records.pairs(asked)).bytes();
    assertNull(exchange(sent).readRequest(), "no request to answer");
    List<Records.Read> records = answered();
    assertEquals(1, records.size());
    assertEquals(10, records.get(0).type());
    assertEquals(0, records.get(0).requestId());
    Map<String, String> result =
        NameValuePairs.decode(records.get(0).content(), FastCgiLimits.DEFAULT);
    assertEquals(
        Map.of(
            "FCGI_MPXS_CONNS",
            "0",
            "FCGI_MAX_CONNS",
            Integer.toString(FastCgiLimits.DEFAULT.maxConnections())),
        result);
  }

  @Test
  void an_unknown_management_record_gets_unknown_type_and_the_request_goes_on() throws IOException {
    byte[] sent =
        new Records()
            .record(42, 0, new byte[3])
            .begin(1, AUTHORIZER)
            .environment(1, ENV, 512)
            .bytes();
    assertEquals(ENV, exchange(sent).readRequest());
    Records.Read unknown = answered().get(0);
    assertEquals(11, unknown.type());
    assertEquals(42, unknown.content()[0]);
  }

  @Test
  void every_role_but_authorizer_is_refused_with_unknown_role() throws IOException {
    for (int role : new int[] {0, 1, 3, 4, 0xffff}) {
      answers.reset();
      byte[] sent = new Records().begin(5, role).environment(5, ENV, 512).bytes();
      assertNull(exchange(sent).readRequest(), "role " + role);
      Records.Read end = answered().get(0);
      assertEquals(3, end.type());
      assertEquals(5, end.requestId());
      assertEquals(3, end.content()[4], "FCGI_UNKNOWN_ROLE for role " + role);
    }
  }

  @Test
  void a_second_request_beside_the_first_gets_cant_mpx_conn() throws IOException {
    byte[] sent =
        new Records()
            .begin(1, AUTHORIZER)
            .begin(2, AUTHORIZER)
            .params(2, Records.pairs(Map.of("REMOTE_USER", "forged")))
            .environment(1, ENV, 512)
            .bytes();
    assertEquals(ENV, exchange(sent).readRequest(), "the second request's params are not read");
    Records.Read end = answered().get(0);
    assertEquals(2, end.requestId());
    assertEquals(1, end.content()[4], "FCGI_CANT_MPX_CONN");
  }

  @Test
  void an_aborted_request_ends_without_an_answer() throws IOException {
    byte[] sent =
        new Records()
            .begin(1, AUTHORIZER)
            .record(2, 1, new byte[0])
            .environment(1, ENV, 512)
            .bytes();
    assertNull(exchange(sent).readRequest());
    assertEquals(3, answered().get(0).type());
  }

  @Test
  void stdin_and_records_of_no_active_request_are_skipped() throws IOException {
    byte[] sent =
        new Records()
            .params(7, Records.pairs(Map.of("REMOTE_USER", "before-begin")))
            .begin(1, AUTHORIZER)
            .record(5, 1, "body".getBytes())
            .params(3, Records.pairs(Map.of("REMOTE_USER", "other-request")))
            .environment(1, ENV, 512)
            .bytes();
    assertEquals(ENV, exchange(sent).readRequest());
  }

  @Test
  void protocol_breaches_are_refused() {
    byte[][] breaches = {
      new Records().raw(2, 1, 1, new byte[8], 0).bytes(), // version 2
      new Records().record(1, 1, new byte[5]).bytes(), // a short BEGIN_REQUEST body
      new Records().begin(1, AUTHORIZER).begin(1, AUTHORIZER).bytes(), // begun twice
      new Records().begin(1, AUTHORIZER).params(1, Records.pairs(ENV)).bytes(), // never ended
      java.util.Arrays.copyOf(new Records().begin(1, AUTHORIZER).bytes(), 5), // a cut header
      java.util.Arrays.copyOf(new Records().begin(1, AUTHORIZER).bytes(), 12), // cut content
      java.util.Arrays.copyOf( // cut padding
          new Records().begin(1, AUTHORIZER).raw(1, 4, 1, new byte[0], 3).bytes(), 16 + 8 + 1),
      new Records() // a name given twice
          .begin(1, AUTHORIZER)
          .params(
              1,
              concat(
                  Records.pairs(Map.of("REMOTE_USER", "a")),
                  Records.pairs(Map.of("REMOTE_USER", "b"))))
          .params(1, new byte[0])
          .bytes(),
      new Records() // a length pointing past the stream
          .begin(1, AUTHORIZER)
          .params(1, new byte[] {5, 100, 'A', 'B', 'C', 'D', 'E', 'x'})
          .params(1, new byte[0])
          .bytes(),
    };
    for (int i = 0; i < breaches.length; i++) {
      byte[] sent = breaches[i];
      assertThrows(ProtocolException.class, () -> exchange(sent).readRequest(), "breach " + i);
    }
  }

  @Test
  void an_over_long_record_is_refused_from_its_header_before_its_content_arrives() {
    FastCgiLimits small = FastCgiLimits.DEFAULT;
    small = new FastCgiLimits(1024, 4096, 16, 64, 512, 16, small.connectionDeadline(), 4, 1);
    byte[] headerOnly = {1, 4, 0, 1, 0x10, 0x00, 0, 0}; // PARAMS of 4096 bytes, none sent
    byte[] sent = concat(new Records().begin(1, AUTHORIZER).bytes(), headerOnly);
    FastCgiLimits limits = small;
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> exchange(new ByteArrayInputStream(sent), limits).readRequest());
    assertTrue(e.getMessage().contains("4096 bytes"), e.getMessage());
  }

  @Test
  void the_limits_on_parameters_and_records_hold() {
    FastCgiLimits limits =
        new FastCgiLimits(
            65535, 600, 4, 32, 256, 10, FastCgiLimits.DEFAULT.connectionDeadline(), 4, 1);
    Map<String, String> tooMany = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      tooMany.put("N" + i, "v");
    }
    byte[][] overs = {
      new Records().begin(1, AUTHORIZER).environment(1, tooMany, 512).bytes(),
      new Records().begin(1, AUTHORIZER).environment(1, Map.of("N".repeat(33), ""), 512).bytes(),
      new Records().begin(1, AUTHORIZER).environment(1, Map.of("N", "v".repeat(257)), 512).bytes(),
      new Records() // the whole stream over 600 bytes, in small records
          .begin(1, AUTHORIZER)
          .environment(
              1, Map.of("A", "v".repeat(250), "B", "v".repeat(250), "C", "v".repeat(250)), 100)
          .bytes(),
      manyRecords(11),
    };
    for (int i = 0; i < overs.length; i++) {
      byte[] sent = overs[i];
      assertThrows(
          ProtocolException.class,
          () -> exchange(new ByteArrayInputStream(sent), limits).readRequest(),
          "limit " + i);
    }
  }

  private static byte[] manyRecords(int count) {
    Records records = new Records().begin(1, AUTHORIZER);
    for (int i = 0; i < count; i++) {
      records.record(5, 1, new byte[1]);
    }
    return records.environment(1, Map.of("A", "b"), 512).bytes();
  }

  @Test
  void an_answer_cannot_be_split_by_what_goes_into_its_headers() {
    for (String value : new String[] {"a\r\nSet-Cookie: x", "a\nb", "a\u0000", "a\u007f"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> AuthorizerResponse.of(200).withVariable("REMOTE_USER", value),
          value);
    }
  }

  @Test
  void an_answer_longer_than_one_record_goes_in_several() throws IOException {
    AuthorizerExchange exchange =
        exchange(new Records().begin(1, AUTHORIZER).environment(1, ENV, 512).bytes());
    exchange.readRequest();
    byte[] body = new byte[70_000];
    exchange.respond(AuthorizerResponse.of(403).withBody("text/plain", body));
    List<Records.Read> records = answered();
    assertEquals(List.of(6, 6, 6, 3), records.stream().map(Records.Read::type).toList());
    assertEquals(65535, records.get(0).content().length);
  }

  /**
   * Random damage to a valid request, and random bytes: the reader returns parameters, nothing, or
   * a {@link ProtocolException}; never another exception, and never more than the limits.
   */
  @Test
  void fuzzed_input_ends_in_an_answer_or_a_refusal_and_nothing_else() {
    Random random = new Random(20261208);
    byte[] valid = new Records().begin(1, AUTHORIZER).environment(1, ENV, 64).bytes();
    for (int round = 0; round < 20_000; round++) {
      byte[] sent;
      if (round % 4 == 0) {
        sent = new byte[random.nextInt(200)];
        random.nextBytes(sent);
      } else {
        sent = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          sent[random.nextInt(sent.length)] = (byte) random.nextInt(256);
        }
        if (random.nextBoolean()) {
          sent = java.util.Arrays.copyOf(sent, random.nextInt(sent.length));
        }
      }
      answers.reset();
      try {
        exchange(sent).readRequest();
      } catch (ProtocolException expected) {
        // refused
      } catch (IOException | RuntimeException e) {
        throw new AssertionError("round " + round + ": " + e, e);
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
