#!/usr/bin/env python3
"""Holds N concurrent streaming chat completions open through brokle and reports brokle's RSS.

Each request asks the mock provider to pause between chunks (mock-fault:chunk_delay), so every
stream stays open for the whole measurement. Usage: bench/streams.py PORT KEY N [pid]
"""
import asyncio, json, os, sys, time

PORT, KEY, N = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
PID = int(sys.argv[4]) if len(sys.argv) > 4 else None
BODY = json.dumps({"model": "gpt-4o-mini", "stream": True,
                   "messages": [{"role": "user", "content": "mock-fault:chunk_delay=3000 hold this stream"}]}).encode()
REQ = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n"
       f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n").encode() + BODY

opened = 0
first_chunk = 0
done = 0
errors = 0

async def one():
    global opened, first_chunk, done, errors
    try:
        r, w = await asyncio.open_connection("127.0.0.1", PORT)
        w.write(REQ)
        await w.drain()
        opened += 1
        head = await r.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n")[0]:
            errors += 1
            return
        got = False
        while True:
            line = await r.readline()
            if not line:
                break
            if line.startswith(b"data:") and not got:
                got = True
                first_chunk += 1
            if b"[DONE]" in line:
                break
        done += 1
        w.close()
    except Exception:
        errors += 1

def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1]) / 1024
    return 0

async def main():
    tasks = []
    t0 = time.time()
    for i in range(N):
        tasks.append(asyncio.create_task(one()))
        if i % 500 == 499:
            await asyncio.sleep(0.05)
    peak = 0
    while any(not t.done() for t in tasks):
        await asyncio.sleep(0.5)
        if PID:
            peak = max(peak, rss_mib(PID))
        if first_chunk >= N - errors and opened >= N:
            pass
        print(f"t={time.time()-t0:5.1f}s opened={opened} streaming={first_chunk} done={done} errors={errors}"
              + (f" brokle_rss={rss_mib(PID):.0f}MiB" if PID else ""), flush=True)
    print(f"RESULT streams={N} completed={done} errors={errors} peak_rss_mib={peak:.0f}")

asyncio.run(main())
