-- PATCH /api/users/NAME: an admin changes a random user's display name (a write).
dofile(os.getenv("WRK_DIR") .. "/report.lua")
local users = tonumber(os.getenv("USERDB_USERS"))
local counter = 0
wrk.headers["Cookie"] = "USERDB_SESSION=" .. os.getenv("USERDB_TOKEN")
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local name = "user" .. math.random(0, users - 1)
  return wrk.format("PATCH", "/api/users/" .. name, nil, '{"displayName":"bench ' .. counter .. '"}')
end
