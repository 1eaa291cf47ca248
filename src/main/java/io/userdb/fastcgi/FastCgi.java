package io.userdb.fastcgi;

/**
 * The constants of the FastCGI 1.0 specification this codec uses, each named once (the
 * specification's section 8, "Types and Constants"; Apache's include/util_fcgi.h has the same).
 */
final class FastCgi {

  static final int VERSION_1 = 1;
  static final int HEADER_LENGTH = 8;
  static final int MAX_CONTENT_LENGTH = 0xffff;

  /** The request id of management records (section 3.3). */
  static final int NULL_REQUEST_ID = 0;

  static final int BEGIN_REQUEST = 1;
  static final int ABORT_REQUEST = 2;
  static final int END_REQUEST = 3;
  static final int PARAMS = 4;
  static final int STDIN = 5;
  static final int STDOUT = 6;
  static final int STDERR = 7;
  static final int DATA = 8;
  static final int GET_VALUES = 9;
  static final int GET_VALUES_RESULT = 10;
  static final int UNKNOWN_TYPE = 11;

  static final int BEGIN_REQUEST_BODY_LENGTH = 8;
  static final int KEEP_CONN = 1;

  static final int RESPONDER = 1;
  static final int AUTHORIZER = 2;
  static final int FILTER = 3;

  static final int REQUEST_COMPLETE = 0;
  static final int CANT_MPX_CONN = 1;
  static final int OVERLOADED = 2;
  static final int UNKNOWN_ROLE = 3;

  static final String MAX_CONNS = "FCGI_MAX_CONNS";
  static final String MAX_REQS = "FCGI_MAX_REQS";
  static final String MPXS_CONNS = "FCGI_MPXS_CONNS";

  private FastCgi() {}
}
