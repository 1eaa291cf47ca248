-- POST /api/session: one Argon2id verification per request.
dofile(os.getenv("WRK_DIR") .. "/report.lua")
local users = tonumber(os.getenv("USERDB_USERS"))
local password = os.getenv("USERDB_PASSWORD")
wrk.headers["Content-Type"] = "application/json"
request = function()
  local name = "user" .. math.random(0, users - 1)
  return wrk.format("POST", "/api/session", nil,
    '{"username":"' .. name .. '","password":"' .. password .. '"}')
end
