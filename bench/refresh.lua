-- wrk script: refresh_token grants, each connection chaining the tokens it gets back (every refresh
-- rotates, so a token is good for exactly one request). Tokens come from the file named by the
-- KEYCARD_REFRESH_TOKENS environment variable, one per line, split between wrk's threads.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  queue = {}
  local n = 0
  local i = 0
  local path = os.getenv("KEYCARD_REFRESH_TOKENS")
  local total_threads = tonumber(os.getenv("KEYCARD_WRK_THREADS") or "2")
  for line in io.lines(path) do
    if i % total_threads == id then
      n = n + 1
      queue[n] = line
    end
    i = i + 1
  end
  head = 1
  tail = n + 1
  failures = 0
end

function request()
  local token = queue[head]
  if token == nil then
    token = "kcr_exhausted"
  else
    queue[head] = nil
    head = head + 1
  end
  return wrk.format("POST", "/oauth2/token",
    { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  if status == 200 then
    local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
    if token then
      queue[tail] = token
      tail = tail + 1
    end
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local bad = summary.errors.status
  io.write(string.format("non-2xx responses: %d\n", bad))
end
