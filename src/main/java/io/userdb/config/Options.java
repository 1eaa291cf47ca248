package io.userdb.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every option of the server, each declared once: flags, environment variables, properties keys,
 * {@code serve --help} and the README's options table all come from here. Cross-field rules are
 * {@link ServiceConfig}'s. Listed in the order help and README show them.
 */
public final class Options {

  private static final Option.Check<Integer> PORT =
      port ->
          port < -1 || port > 65535
              ? "must be -1 (off), 0 (any free port) or 1-65535, not " + port
              : null;

  /** Durations cannot be negative: {@link Durations} reads none. */
  private static final Option.Check<Duration> LONGER_THAN_0 =
      d -> d.isZero() ? "must be longer than 0" : null;

  /**
   * A retention shorter than a day is a slip (minutes for days), and would empty the log at the
   * next start: what an intruder with the service's options would want, so it is refused.
   */
  private static final Option.Check<Duration> AT_LEAST_A_DAY =
      d -> d.compareTo(Duration.ofDays(1)) < 0 ? "must be at least 1d, not " + d : null;

  public static final List<Option<?>> ALL =
      List.of(
          Option.text(
              "db",
              "LOCATION",
              "data/userdb.db",
              "where the users are kept: a SQLite file, which `serve` creates (0600) if missing, or a"
                  + " `jdbc:postgresql://` URL (see Outgrowing one host)"),
          Option.size(
                  "db-max-size",
                  "0",
                  "SQLite only: most the database file may grow to, e.g. `512MB`; writes past it answer 507,"
                      + " reads go on; `0`: no limit")
              .storedIn("dbMaxBytes"),
          Option.text(
                  "db-password-file",
                  "FILE",
                  null,
                  "read the database password (a store on a server, such as PostgreSQL) from this file (keep it 0600);"
                      + " or set `USERDB_DB_PASSWORD`. Never give it on the command line or in the URL")
              .storedIn("dbPassword")
              .keptSecret(),
          Option.text(
              "http-address",
              "ADDR",
              "127.0.0.1",
              "address of the HTTP connector; one that does not parse or resolve stops the start"),
          Option.number(
              "http-port", "PORT", "8080", PORT, "`0`: any free port; `-1`: no HTTP connector"),
          Option.text(
              "ajp-address",
              "ADDR",
              "127.0.0.1",
              "address of the AJP connector (for Apache's mod_proxy_ajp)"),
          Option.number(
              "ajp-port", "PORT", "8009", PORT, "`0`: any free port; `-1`: no AJP connector"),
          Option.text(
                  "ajp-secret",
                  "SECRET",
                  null,
                  "shared with Apache (`secret=`), 32 to 63 characters; by default generated once into `ajp-secret` beside"
                      + " the database. Prefer `USERDB_AJP_SECRET` or `--ajp-secret-file`: any local user can read a"
                      + " process's command line (`ps`)")
              .allowingEmpty()
              .keptSecret()
              .defaultShownAs("generated"),
          Option.text(
              "ajp-secret-file",
              "FILE",
              null,
              "read the AJP secret from this file (keep it 0600) instead of `--ajp-secret`"),
          Option.text(
              "fastcgi-address",
              "ADDR",
              "127.0.0.1",
              "address of the FastCGI authorizer (for Apache's mod_authnz_fcgi, see Protect other content)"),
          Option.number(
              "fastcgi-port",
              "PORT",
              "-1",
              PORT,
              "`0`: any free port; `-1` (the default): no FastCGI authorizer"),
          Option.text(
                  "fastcgi-allow",
                  "LIST",
                  "",
                  "addresses or CIDR blocks of Apache hosts beyond loopback that may ask the FastCGI"
                      + " authorizer; any other peer is closed on unanswered (FastCGI carries no credentials)")
              .allowingEmpty(),
          Option.number(
              "pool-max-total",
              "N",
              "8",
              atLeast(1),
              "pooled database objects at most; `1` reproduces the original single-connection deployment"),
          Option.number(
              "pool-min-idle",
              "N",
              "1",
              atLeast(0),
              "objects kept open while idle, at most `--pool-max-total`"),
          Option.duration(
              "pool-max-wait", "2s", LONGER_THAN_0, "wait for a free object before answering 503"),
          Option.duration(
              "change-check-interval",
              "10ms",
              d -> null,
              "how soon a change another process commits (the CLI, a second backend) reaches sessions and Basic"
                  + " credentials answered from memory; `0ms`: at once, looking on every request"),
          Option.text(
                  "default-user",
                  "NAME",
                  "guest",
                  "who anonymous requests act as (role `guest`); empty: anonymous requests get 401")
              .allowingEmpty()
              .checkedBy(
                  name ->
                      name.isEmpty() || name.matches("[A-Za-z0-9._@-]{1,64}")
                          ? null
                          : "'" + name + "' is not a valid username"),
          Option.bool(
              "trust-proxy-user",
              "take the user Apache authenticated (REMOTE_USER over AJP), by exact name, over any other credentials"),
          Option.bool(
              "require-proxy-user",
              "refuse (401) every request but `/health` that Apache did not authenticate; needs `--trust-proxy-user`"),
          Option.text(
                  "trusted-proxies",
                  "LIST",
                  "",
                  "addresses or CIDR blocks (`10.0.0.0/8,fd00::/8`) of proxies in front of Apache: only from them is"
                      + " `X-Forwarded-For` read (from the right, as `mod_remoteip` does) to find the client for the"
                      + " per-address limit")
              .allowingEmpty(),
          Option.duration(
              "session-idle-timeout", "30m", LONGER_THAN_0, "a session unused this long ends"),
          Option.duration(
              "session-max-age", "12h", LONGER_THAN_0, "a session ends this long after sign-in"),
          Option.number(
              "login-failures-per-address",
              "N",
              "20",
              atLeast(1),
              "failed sign-ins from one client address before it must wait (5 s, doubling to 15 min)"),
          Option.number(
              "max-threads",
              "N",
              "200",
              atLeast(1),
              "request threads per connector (platform threads)"),
          Option.number(
                  "max-concurrent-listings",
                  "N",
                  Integer.toString(ServiceConfig.DEFAULT_LISTINGS_AT_ONCE),
                  atLeast(1),
                  "user listings (`GET /api/users`) that read at once; the rest wait their turn (at most"
                      + " `--pool-max-wait`, then 503) holding no database object, so admin listings cannot take every"
                      + " core from sign-ins and session checks")
              .defaultShownAs("half the cores, at least 1"),
          Option.text(
                  "jvm-route",
                  "NAME",
                  "",
                  "this backend's `route=` in an Apache balancer; sent as `X-Userdb-Route`")
              .allowingEmpty()
              .checkedBy(
                  route ->
                      route.matches("[A-Za-z0-9._-]{0,64}")
                          ? null
                          : "must be up to 64 of A-Z a-z 0-9 . _ -"),
          Option.duration(
              "audit-retention",
              "400d",
              AT_LEAST_A_DAY,
              "audit records older than this (at least `1d`) are pruned at start and daily; the log"
                  + " stays verifiable from the first record kept, and each pruning is recorded"),
          Option.text(
              "audit-log",
              "PATH",
              null,
              "also write each audit event, once committed, as one JSON line (as `userdb audit export`"
                  + " does) to this file (created 0600, appended), or to standard output for `-`"));

  private static final Map<String, Option<?>> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Option::name, Function.identity()));

  private Options() {}

  /** The option of that name, or null. */
  public static Option<?> named(String name) {
    return BY_NAME.get(name);
  }

  private static Option.Check<Integer> atLeast(int least) {
    return n -> n < least ? "must be at least " + least + ", not " + n : null;
  }
}
