package io.userdb.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.userdb.audit.AuditCoalescer;
import io.userdb.auth.AccountService;
import io.userdb.auth.Authenticator;
import io.userdb.auth.ClientAddresses;
import io.userdb.auth.LoginService;
import io.userdb.auth.SessionService;
import io.userdb.db.CostlyQueries;
import io.userdb.db.UserDatabasePool;

/**
 * What the servlets share: the pool, the turns costly queries take, the services they call, whose
 * address a request is, and this backend's route name in an Apache balancer (empty when not
 * balanced), and what keeps repeatable events (refusals) from writing the audit log at request
 * rate.
 */
public record ApiContext(
    UserDatabasePool pool,
    CostlyQueries costlyQueries,
    Authenticator authenticator,
    SessionService sessions,
    LoginService logins,
    AccountService accounts,
    PrometheusMeterRegistry metrics,
    ClientAddresses clientAddresses,
    String route,
    AuditCoalescer coalescer) {

  /** The per-address limit's key for this request. */
  public String clientAddress(jakarta.servlet.http.HttpServletRequest request) {
    return clientAddresses.keyOf(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
  }
}
