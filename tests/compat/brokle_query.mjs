// What the telemetry compatibility scripts share: reading back what a client sent through brokle's
// dashboard query API (a user's access token from /api/v1/auth/login), and the ok/FAIL check
// runner the C++ side reads.
import assert from 'node:assert/strict';

export class brokle_query {
  constructor(baseURL, projectId, token) {
    this.baseURL = baseURL;
    this.projectId = projectId;
    this.token = token;
  }

  static async login(baseURL, projectId, email, password) {
    const r = await fetch(`${baseURL}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = await r.json();
    assert.equal(r.status, 200, `login: ${JSON.stringify(body)}`);
    return new brokle_query(baseURL, projectId, body.access_token);
  }

  // GET /api/v1/projects/{pid}<path>; params are added as the query string.
  async get(path, params = {}) {
    const qs = new URLSearchParams(params).toString();
    const url = `${this.baseURL}/api/v1/projects/${this.projectId}${path}${qs ? `?${qs}` : ''}`;
    const r = await fetch(url, { headers: { Authorization: `Bearer ${this.token}` } });
    const text = await r.text();
    assert.equal(r.status, 200, `GET ${path}: ${text}`);
    return JSON.parse(text);
  }

  // Ingestion is acknowledged once durable, so the first read should already see the data; a short
  // poll (at most 2 s) keeps a slow machine from failing the run. fn returns the value or throws.
  async eventually(fn) {
    const deadline = Date.now() + 2000;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

export function check_runner() {
  const checks = [];
  return {
    check: (name, fn) => checks.push([name, fn]),
    async run() {
      let failed = 0;
      for (const [name, fn] of checks) {
        try {
          await fn();
          console.log(`ok   ${name}`);
        } catch (e) {
          failed++;
          console.log(`FAIL ${name}: ${e.stack ?? e}`);
        }
      }
      console.log(`checks: ${checks.length - failed} ok, ${failed} failed`);
      return failed;
    },
  };
}

// A random lowercase word: unique per run, and one token for the log search's full-text index.
export const unique_word = (prefix) => `${prefix}${Math.random().toString(36).slice(2, 10)}`;
