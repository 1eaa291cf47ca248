-- GET /api/me with a session cookie, each connection pausing USERDB_PAUSE_MS between requests:
-- a fixed offered rate (connections x 1000 / pause per second, while answers are quick), so that
-- setups are compared at the same load rather than each at its own maximum.
dofile(os.getenv("WRK_DIR") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/api/me"
wrk.headers["Cookie"] = "USERDB_SESSION=" .. os.getenv("USERDB_TOKEN")
local pause = tonumber(os.getenv("USERDB_PAUSE_MS") or "10")
function delay()
  return pause
end
