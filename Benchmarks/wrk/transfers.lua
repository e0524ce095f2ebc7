-- POST /transfers with a unique Idempotency-Key per request (wrk Lua).
-- Keys combine the thread's id with a counter; amounts alternate direction between
-- alice and bob so balances never run out.
local counter = 0
local thread_id = 0
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  math.randomseed(os.time() + thread_id)
  prefix = string.format("wrk-%d-%d-", os.time(), math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local from, to = "alice", "bob"
  if counter % 2 == 0 then from, to = "bob", "alice" end
  local body = string.format('{"from":"%s","to":"%s","amount":0.01}', from, to)
  local headers = {
    ["Authorization"] = "Bearer demo-key",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = prefix .. counter,
  }
  return wrk.format("POST", "/transfers", headers, body)
end
