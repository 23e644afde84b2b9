-- The write path for bench/run.sh: each connection submits an accession for a fresh
-- organisation (POST /api/v1/agreements/{id}/accessions, registered by the agreement's
-- administrator from board minutes), and every accession submitted is then approved
-- (POST /api/v1/accessions/{id}/approval) by whichever connection is free next.
--
--   wrk ... -s bench/wrk/write.lua URL -- ORGS_FILE AGREEMENT_ID TOKEN [THREADS]
--
-- ORGS_FILE holds one organisation id a line, none with an accession yet; threads take
-- every THREADS-th line. When a thread runs out of organisations it stops. At the end it
-- prints "BENCH_JSON {...}" with the counts of submissions and approvals.

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

local orgs, next_org = {}, 0
local queue, qhead, qtail = {}, 1, 0
local agreement
submitted, approved, other, ran_out = 0, 0, 0, 0

local statement = "Vi står för demokratiska värderingar och alla människors lika värde."
local approval_body = '{"approved_on":"2025-01-15","decision_id":null}'

local function submission(org)
   return '{"signatory":{"kind":"organization","id":"' .. org .. '"},' ..
      '"channel":"board_minutes",' ..
      '"board_decision":{"decided_on":"2024-11-04","minutes_reference":"§ 7",' ..
      '"received_on":"2024-11-12","diary_number":null},' ..
      '"affirmed_statements":["' .. statement .. '"],' ..
      '"contact_person":{"name":"Kim Kontaktsson","email":"kim@forening.example",' ..
      '"phone":"+46 70 000 00 00"}}'
end

function init(args)
   agreement = args[2]
   local nthreads = tonumber(args[4] or "1")
   local k = 0
   for line in io.lines(args[1]) do
      if #line > 0 then
         if k % nthreads == tid then
            orgs[#orgs + 1] = line
         end
         k = k + 1
      end
   end
   wrk.headers["Authorization"] = "Bearer " .. args[3]
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   if qhead <= qtail then
      local id = queue[qhead]
      queue[qhead] = nil
      qhead = qhead + 1
      return wrk.format("POST", "/api/v1/accessions/" .. id .. "/approval", nil, approval_body)
   end
   next_org = next_org + 1
   local org = orgs[next_org]
   if org == nil then
      -- Out of organisations: the thread stops, but wrk still divides by the whole duration,
      -- so done() reports it and bench.py flags the rate as understated.
      ran_out = 1
      wrk.thread:stop()
      org = orgs[#orgs]
   end
   return wrk.format("POST", "/api/v1/agreements/" .. agreement .. "/accessions", nil,
                     submission(org))
end

function response(status, headers, body)
   if status == 201 then
      local location = headers["location"] or headers["Location"]
      local id = location and location:match("([^/]+)$")
      if id then
         qtail = qtail + 1
         queue[qtail] = id
         submitted = submitted + 1
      else
         other = other + 1
      end
   elseif status == 200 then
      approved = approved + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local s, a, o, r = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      s = s + t:get("submitted")
      a = a + t:get("approved")
      o = o + t:get("other")
      r = r + t:get("ran_out")
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},' ..
      '"submitted":%d,"approved":%d,"other":%d,"ran_out":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, s, a, o, r))
end
