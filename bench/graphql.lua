-- wrk script for one GraphQL request, repeated over keep-alive connections.
-- bench/load.py sets BENCH_BODY (the JSON body), BENCH_TOKEN (a bearer token
-- or empty) and BENCH_LANGUAGE; bench/compare.py may set BENCH_BODIES, a
-- file of JSON bodies one a line, of which each request sends one at random
-- (a random window per request). An answer that is not 200 or carries
-- "errors" counts as bad; done() prints one machine-readable line.

wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = os.getenv("BENCH_LANGUAGE") or "nb-NO"
local token = os.getenv("BENCH_TOKEN") or ""
if token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
end

local bodies = {}
local bodies_file = os.getenv("BENCH_BODIES") or ""
if bodies_file ~= "" then
    for line in io.lines(bodies_file) do
        table.insert(bodies, line)
    end
    wrk.body = bodies[1]
end

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    bad = 0
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

if #bodies > 1 then
    function request()
        return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
    end
end

function response(status, headers, body)
    if status ~= 200 or string.find(body, '"errors"', 1, true) then
        bad = bad + 1
    end
end

function done(summary, latency, requests)
    local failed = 0
    for _, thread in ipairs(threads) do
        failed = failed + thread:get("bad")
    end
    io.write(string.format(
        "BENCH requests=%d seconds=%.3f p50=%.3f p95=%.3f p99=%.3f bad=%d socket_errors=%d\n",
        summary.requests,
        summary.duration / 1e6,
        latency:percentile(50) / 1000,
        latency:percentile(95) / 1000,
        latency:percentile(99) / 1000,
        failed,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    ))
end
