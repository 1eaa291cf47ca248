-- GET /api/me with a session cookie: session lookup plus user read.
dofile(os.getenv("WRK_DIR") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/api/me"
wrk.headers["Cookie"] = "USERDB_SESSION=" .. os.getenv("USERDB_TOKEN")
