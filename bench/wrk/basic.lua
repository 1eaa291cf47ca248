-- GET /api/me with HTTP Basic: the verified-credential cache path.
dofile(os.getenv("WRK_DIR") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/api/me"
wrk.headers["Authorization"] = "Basic " .. os.getenv("USERDB_BASIC")
