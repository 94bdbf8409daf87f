-- create.lua - wrk script: POST a new customer with a unique name each time.
-- thread_id is a global that setup() gives each wrk thread; a local of the
-- same name would hide it and make the threads send the same names.
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
-- seeded per run and thread: on a kept database (SCALE_DB) the names of
-- an earlier run would otherwise come again and answer 409
function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end
function request()
  counter = counter + 1
  local body = string.format('{"name":"压测新建客户%d-%d-%d","city":"南京","grade":"B"}',
                             thread_id, counter, math.random(1, 1000000000))
  return wrk.format("POST", "/api/v1/accounts", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("KEHU_TOKEN"),
  }, body)
end
