-- GET /api/users?q=PREFIX&limit=100: the slower query of the mixed scenario.
dofile(os.getenv("WRK_DIR") .. "/report.lua")
wrk.headers["Cookie"] = "USERDB_SESSION=" .. os.getenv("USERDB_TOKEN")
request = function()
  return wrk.format("GET", "/api/users?q=user" .. math.random(1, 9) .. "&limit=100")
end
