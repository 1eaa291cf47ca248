package io.userdb.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.userdb.auth.AccountService;
import io.userdb.auth.Authenticator;
import io.userdb.auth.LoginService;
import io.userdb.auth.SessionService;
import io.userdb.db.CostlyQueries;
import io.userdb.db.UserDatabasePool;

/**
 * What the servlets share: the pool, the turns costly queries take, the services they call,
 * and this backend's route name in an Apache balancer (empty when not balanced).
 */
public record ApiContext(
    UserDatabasePool pool,
    CostlyQueries costlyQueries,
    Authenticator authenticator,
    SessionService sessions,
    LoginService logins,
    AccountService accounts,
    PrometheusMeterRegistry metrics,
    String route) {}
