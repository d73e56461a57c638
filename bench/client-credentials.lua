-- wrk script: client_credentials grants (RFC 6749 §4.4) to the URL wrk is given, the client
-- authenticated with HTTP Basic (§2.3.1): KEYCARD_CLIENT_BASIC is base64(client_id:client_secret).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("KEYCARD_CLIENT_BASIC")
wrk.body = "grant_type=client_credentials"

function done(summary, latency, requests)
  io.write(string.format("non-2xx responses: %d\n", summary.errors.status))
end
