package io.userdb.api;

import java.util.Map;

/** An HTTP error to send as {@code {"error":code,"message":...}}, with optional headers. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;

  public ApiException(int status, String code, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  public ApiException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The same error with one more header. */
  ApiException withHeader(String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(name, value);
    return new ApiException(status, code, getMessage(), more);
  }

  static ApiException unauthorized(String code, String message) {
    return new ApiException(
        401, code, message, Map.of("WWW-Authenticate", "Basic realm=\"userdb\""));
  }

  static ApiException authenticationRequired() {
    return unauthorized("authentication_required", "sign in first");
  }

  static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  /**
   * A 403 for a caller who may not do what they asked: answered as {@link #forbidden}, and recorded
   * in the audit log as a refusal.
   */
  static ApiException refused(String message) {
    return new Refusal(message);
  }

  /** See {@link #refused}. */
  static final class Refusal extends ApiException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(403, "forbidden", message);
    }
  }

  static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }
}
