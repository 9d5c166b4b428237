-- wrk script: POST a small chat completion (set STREAM=1 in the environment for a streamed one).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local stream = os.getenv("STREAM") == "1"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello from the benchmark"}]' ..
  (stream and ',"stream":true' or '') .. '}'
