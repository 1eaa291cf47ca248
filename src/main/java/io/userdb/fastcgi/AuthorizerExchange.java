package io.userdb.fastcgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's conversation as mod_authnz_fcgi holds it: FCGI_BEGIN_REQUEST with the AUTHORIZER
 * role, the environment in PARAMS records ended by an empty one, then the answer as STDOUT and
 * FCGI_END_REQUEST. Management records (GET_VALUES) are answered as they come; any other role is
 * refused with FCGI_UNKNOWN_ROLE, a second request beside the first with FCGI_CANT_MPX_CONN. Knows
 * nothing of what a check means. Not thread-safe: one per connection.
 */
final class AuthorizerExchange {

  private final RecordReader reader;
  private final OutputStream out;
  private final FastCgiLimits limits;
  private int requestId = -1;

  AuthorizerExchange(InputStream in, OutputStream out, FastCgiLimits limits) {
    this.reader = new RecordReader(in, limits.maxRecordContent());
    this.out = out;
    this.limits = limits;
  }

  /**
   * Reads up to the end of one request's parameters.
   *
   * @return the parameters, or null when the conversation ended without a request to answer (a role
   *     refused, a request aborted, the peer gone after management records only)
   * @throws ProtocolException when the peer breaks the protocol or a limit
   */
  Map<String, String> readRequest() throws IOException {
    ByteArrayOutputStream params = new ByteArrayOutputStream();
    for (int records = 0; ; records++) {
      if (records == limits.maxRecords()) {
        throw new ProtocolException("more than " + limits.maxRecords() + " records");
      }
      FastCgiRecord record = reader.next();
      if (record == null) {
        if (requestId < 0) {
          return null;
        }
        throw new ProtocolException("connection closed before the parameters ended");
      }
      if (record.isManagement()) {
        answerManagement(record);
        continue;
      }
      switch (record.type()) {
        case FastCgi.BEGIN_REQUEST -> {
          if (!begin(record)) {
            return null;
          }
        }
        case FastCgi.PARAMS -> {
          if (record.requestId() != requestId) {
            continue; // section 3.3: records of a request that is not active are ignored
          }
          if (record.isEmpty()) {
            return NameValuePairs.decode(params.toByteArray(), limits);
          }
          if (params.size() + record.content().length > limits.maxParamsBytes()) {
            throw new ProtocolException(
                "parameters longer than the " + limits.maxParamsBytes() + " bytes allowed");
          }
          params.writeBytes(record.content());
        }
        case FastCgi.ABORT_REQUEST -> {
          if (record.requestId() == requestId) {
            new RecordWriter().endRequest(requestId, 0, FastCgi.REQUEST_COMPLETE).sendTo(out);
            return null;
          }
        }
        default -> {
          // STDIN and DATA carry nothing an authorizer reads; answers' types have no business
          // here. Either way skipped, within the record limit.
        }
      }
    }
  }

  /**
   * @return whether a request began that this side will answer
   */
  private boolean begin(FastCgiRecord record) throws IOException {
    if (record.content().length != FastCgi.BEGIN_REQUEST_BODY_LENGTH) {
      throw new ProtocolException("FCGI_BEGIN_REQUEST of " + record.content().length + " bytes");
    }
    if (requestId >= 0) {
      if (record.requestId() == requestId) {
        throw new ProtocolException("the active request began again");
      }
      new RecordWriter()
          .endRequest(record.requestId(), 0, FastCgi.CANT_MPX_CONN)
          .sendTo(out); // one request per connection: the first one goes on
      return true;
    }
    int role = ((record.content()[0] & 0xff) << 8) | (record.content()[1] & 0xff);
    if (role != FastCgi.AUTHORIZER) {
      new RecordWriter().endRequest(record.requestId(), 0, FastCgi.UNKNOWN_ROLE).sendTo(out);
      return false;
    }
    requestId = record.requestId();
    return true;
  }

  private void answerManagement(FastCgiRecord record) throws IOException {
    if (record.type() != FastCgi.GET_VALUES) {
      new RecordWriter().unknownType(record.type()).sendTo(out);
      return;
    }
    Map<String, String> known =
        Map.of(
            FastCgi.MAX_CONNS, Integer.toString(limits.maxConnections()),
            FastCgi.MAX_REQS, Integer.toString(limits.maxConnections()),
            FastCgi.MPXS_CONNS, "0");
    Map<String, String> result = new LinkedHashMap<>();
    for (String name : NameValuePairs.decode(record.content(), limits).keySet()) {
      if (known.containsKey(name)) {
        result.put(name, known.get(name));
      }
    }
    new RecordWriter()
        .record(FastCgi.GET_VALUES_RESULT, FastCgi.NULL_REQUEST_ID, NameValuePairs.encode(result))
        .sendTo(out);
  }

  /** Sends the answer to the request {@link #readRequest} returned. */
  void respond(AuthorizerResponse response) throws IOException {
    new RecordWriter()
        .stream(FastCgi.STDOUT, requestId, response.encode())
            .endRequest(requestId, 0, FastCgi.REQUEST_COMPLETE)
            .sendTo(out);
  }
}
