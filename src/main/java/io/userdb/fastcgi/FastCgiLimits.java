package io.userdb.fastcgi;

import java.time.Duration;

/**
 * Every bound the listener keeps, so that a slow or hostile peer holds little for little time.
 *
 * @param maxRecordContent the longest record content read; Apache's PARAMS records are at most 16
 *     KiB
 * @param maxParamsBytes the whole PARAMS stream of one request
 * @param maxParams pairs in it
 * @param maxNameLength one parameter's name
 * @param maxValueLength one parameter's value
 * @param maxRecords records on one connection before the answer, management ones included
 * @param connectionDeadline the most a connection may take from accept to the last byte read
 * @param maxConnections connections served at once; the next is closed at once, unanswered
 * @param threads threads answering, apart from Tomcat's
 */
public record FastCgiLimits(
    int maxRecordContent,
    int maxParamsBytes,
    int maxParams,
    int maxNameLength,
    int maxValueLength,
    int maxRecords,
    Duration connectionDeadline,
    int maxConnections,
    int threads) {

  /**
   * Sized for what Apache sends through httpd-conf (headers of up to 16 KiB each, as its
   * LimitRequestFieldSize there) with room to spare, and for checks that take milliseconds.
   */
  public static final FastCgiLimits DEFAULT =
      new FastCgiLimits(
          FastCgi.MAX_CONTENT_LENGTH,
          128 * 1024,
          256,
          256,
          32 * 1024,
          64,
          Duration.ofSeconds(5),
          1024,
          Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));

  public FastCgiLimits withConnectionDeadline(Duration deadline) {
    return new FastCgiLimits(
        maxRecordContent,
        maxParamsBytes,
        maxParams,
        maxNameLength,
        maxValueLength,
        maxRecords,
        deadline,
        maxConnections,
        threads);
  }

  public FastCgiLimits withConnections(int connections, int threads) {
    return new FastCgiLimits(
        maxRecordContent,
        maxParamsBytes,
        maxParams,
        maxNameLength,
        maxValueLength,
        maxRecords,
        connectionDeadline,
        connections,
        threads);
  }
}
