-- GET /trivial: the fixed 60-byte JSON of the baseline servlet.
dofile(os.getenv("WRK_DIR") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/trivial"
