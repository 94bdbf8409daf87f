-- total_sources.lua: wrk -s; tallies the list answers' X-Kehu-Total
-- (counted / kept / shared, src/entity/total_cache.h) over all threads,
-- so a run says how many requests counted a total themselves.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counted, kept, shared = 0, 0, 0 end
function response(status, headers, body)
  local s = headers["X-Kehu-Total"] or headers["x-kehu-total"]
  if s == "counted" then counted = counted + 1
  elseif s == "kept" then kept = kept + 1
  elseif s == "shared" then shared = shared + 1 end
end
function done(summary, latency, requests)
  local c, k, s = 0, 0, 0
  for _, t in ipairs(threads) do c = c + t:get("counted"); k = k + t:get("kept"); s = s + t:get("shared") end
  io.write(string.format("X-Kehu-Total: counted=%d kept=%d shared=%d\n", c, k, s))
end
