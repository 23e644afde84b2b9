-- GET requests for bench/run.sh: cycles through the paths in a file (one a line), with
-- optional request headers given as "Name: value" arguments after the file, e.g.
--   wrk ... -s bench/wrk/get.lua URL -- paths.txt "If-None-Match: \"abc\""
-- Requests are formatted once in init, so the script costs wrk nothing per request. No
-- response() callback: wrk then skips handing bodies to Lua. At the end it prints one line,
-- "BENCH_JSON {...}", that bench.py reads.

local reqs, paths, n, i, nonce, flood, counter = {}, {}, 0, 0, false, false, 0

function init(args)
   for k = 2, #args do
      local name, value = args[k]:match("^([^:]+):%s*(.*)$")
      if args[k] == "NONCE" then
         -- A date the list reads (`as_of`, a day further on each request): every request
         -- misses the cache, so this measures the uncached path. (Parameters the server
         -- ignores no longer reach the cache key.)
         nonce = true
      elseif args[k] == "FLOOD" then
         -- Cache-busting load (issue 13): a random unknown parameter with a long value and
         -- a random `q` on every request.
         flood = true
      elseif name then
         wrk.headers[name] = value
      end
   end
   for line in io.lines(args[1]) do
      if #line > 0 then
         n = n + 1
         paths[n] = line
         reqs[n] = wrk.format("GET", line)
      end
   end
   if n == 0 then
      error("no paths in " .. args[1])
   end
end

function request()
   i = i % n + 1
   if nonce then
      counter = counter + 1
      local sep = paths[i]:find("?", 1, true) and "&" or "?"
      -- 2030-01-01 and on, within the dates the API accepts.
      local day = os.date("!%Y-%m-%d", 1893456000 + (counter % 60000) * 86400)
      return wrk.format("GET", paths[i] .. sep .. "as_of=" .. day)
   end
   if flood then
      local sep = paths[i]:find("?", 1, true) and "&" or "?"
      local name = string.format("x%08x", math.random(0, 0x7fffffff))
      local value = string.rep(string.format("%08x", math.random(0, 0x7fffffff)), 40)
      local q = string.format("%06x", math.random(0, 0xffffff))
      return wrk.format("GET", paths[i] .. sep .. name .. "=" .. value .. "&q=" .. q)
   end
   return reqs[i]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean))
end
