-- wrk script: refresh_token grants, each connection chaining the tokens it gets back (every refresh
-- rotates, so a token is good for exactly one request). Tokens come from the file named by the
-- KEYCARD_REFRESH_TOKENS environment variable, one per line, split between wrk's threads. The token
-- endpoint's path is KEYCARD_TOKEN_PATH (default keycard's /oauth2/token); KEYCARD_CLIENT_BASIC, when
-- set, is base64(client_id:client_secret), sent as HTTP Basic client authentication (RFC 6749 §2.3.1),
-- as a confidential client of another server (Keycloak, in bench/vs-keycloak.sh) must.
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
  local file = os.getenv("KEYCARD_REFRESH_TOKENS")
  local total_threads = tonumber(os.getenv("KEYCARD_WRK_THREADS") or "2")
  for line in io.lines(file) do
    if i % total_threads == id then
      n = n + 1
      queue[n] = line
    end
    i = i + 1
  end
  head = 1
  tail = n + 1
  failures = 0
  token_path = os.getenv("KEYCARD_TOKEN_PATH") or "/oauth2/token"
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  local basic = os.getenv("KEYCARD_CLIENT_BASIC")
  if basic and basic ~= "" then
    headers["Authorization"] = "Basic " .. basic
  end
end

function request()
  local token = queue[head]
  if token == nil then
    token = "kcr_exhausted"
  else
    queue[head] = nil
    head = head + 1
  end
  return wrk.format("POST", token_path, headers, "grant_type=refresh_token&refresh_token=" .. token)
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
