-- wrk script: POST a small chat completion (set STREAM=1 in the environment for a streamed one,
-- MODEL= for another model than gpt-4o-mini).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local stream = os.getenv("STREAM") == "1"
local model = os.getenv("MODEL") or "gpt-4o-mini"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"hello from the benchmark"}]' ..
  (stream and ',"stream":true' or '') .. '}'
