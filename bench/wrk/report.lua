-- Shared by the scenario scripts: one machine-readable line per run, with p99.9, which
-- wrk's own summary lacks. Latencies are in microseconds.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50=%d p99=%d p999=%d non2xx=%d errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
