-- One benchmark scenario for wrk, set by the environment:
--   BENCH_METHOD        GET (default) or POST
--   BENCH_BODY          the POST body (default empty)
--   BENCH_CONTENT_TYPE  the POST content type (default a form, as server functions take)
--   BENCH_AUTH          a file of Authorization header values, one per line, sent in turn
-- It ends with a one-line JSON summary, which bench/run.mjs reads.

local auth = {}
local file = os.getenv("BENCH_AUTH")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then auth[#auth + 1] = line end
  end
end

local method = os.getenv("BENCH_METHOD") or "GET"
local body = nil
local content_type = nil
if method == "POST" then
  body = os.getenv("BENCH_BODY") or ""
  content_type = os.getenv("BENCH_CONTENT_TYPE") or "application/x-www-form-urlencoded"
end
local turn = 0

request = function()
  local headers = {}
  if content_type then headers["Content-Type"] = content_type end
  if #auth > 0 then
    turn = turn % #auth + 1
    headers["Authorization"] = auth[turn]
  end
  return wrk.format(method, nil, headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"micros":%d,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
