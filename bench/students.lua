-- students.lua - wrk script: many students at work at once, each request
-- as one of them (a token from $KEHU_TOKENS, one a line, picked at random):
-- 4 in 5 are the experiment panel's poll (GET .../my-progress), 1 in 5 a
-- lab step (POST an activity, a record a step counts). $KEHU_ASSIGNMENT is
-- the assignment.
local tokens = {}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function init(args)
  for line in io.lines(os.getenv("KEHU_TOKENS")) do tokens[#tokens + 1] = line end
  math.randomseed(os.time() * 100 + thread_id)
end
function request()
  local auth = { ["Authorization"] = "Bearer " .. tokens[math.random(1, #tokens)] }
  if math.random(1, 5) == 1 then
    auth["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/activities", auth, '{"subject":"电话回访","kind":"call"}')
  end
  return wrk.format("GET", "/api/v1/assignments/" .. os.getenv("KEHU_ASSIGNMENT") .. "/my-progress", auth)
end
