-- create.lua - wrk script: POST a new customer with a unique name each time.
-- thread_id is a global that setup() gives each wrk thread; a local of the
-- same name would hide it and make the threads send the same names.
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
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
