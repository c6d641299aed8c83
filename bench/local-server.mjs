// Load figures for the local Descope server: sign-ins and refreshes per second, and key set
// latency. Loopback only, bounded in time. Usage:
//   node bench/local-server.mjs <base-url> [seconds=10] [concurrency=8]
// The server should run with DESCOPE_LOCAL_ADDRESS_ATTEMPTS raised (one client address).

const [base, seconds = "10", concurrency = "8"] = process.argv.slice(2);
if (!base || !/^http:\/\/(127\.|localhost|\[::1\])/.test(base)) {
  console.error("usage: node bench/local-server.mjs http://127.0.0.1:<port> [seconds] [concurrency]");
  process.exit(2);
}
const PROJECT = process.env.DESCOPE_PROJECT_ID ?? "P2LocalDescopeCompatible0000";
const duration = Number(seconds) * 1000;
const workers = Number(concurrency);
const password = "correct horse battery";

async function call(path, token, body) {
  const res = await fetch(base + path, {
    method: body ? "POST" : "GET",
    headers: {
      authorization: `Bearer ${PROJECT}${token ? ":" + token : ""}`,
      "content-type": "application/json",
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Runs `op` in `workers` loops for the duration; returns ops/s and latency percentiles (ms). */
async function measure(name, setup, op) {
  const states = await Promise.all(Array.from({ length: workers }, (_, i) => setup(i)));
  const latencies = [];
  const end = performance.now() + duration;
  await Promise.all(
    states.map(async (state) => {
      while (performance.now() < end) {
        const t = performance.now();
        await op(state);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2);
  const rate = (latencies.length / (duration / 1000)).toFixed(1);
  console.log(`${name.padEnd(10)} ${rate.padStart(9)} /s   p50 ${pct(0.5)} ms   p99 ${pct(0.99)} ms   (n=${latencies.length})`);
}

const stamp = Date.now();
const users = await Promise.all(
  Array.from({ length: workers }, async (_, i) => {
    const email = `bench-${stamp}-${i}@example.com`;
    await call("/v1/auth/password/signup", null, { loginId: email, password });
    return email;
  }),
);

console.log(`local Descope at ${base}: ${workers} concurrent clients, ${seconds} s each`);
await measure("sign-in", (i) => users[i], (email) =>
  call("/v1/auth/password/signin", null, { loginId: email, password }));
await measure(
  "refresh",
  async (i) => ({ rt: (await call("/v1/auth/password/signin", null, { loginId: users[i], password })).refreshJwt }),
  async (state) => {
    state.rt = (await call("/v1/auth/refresh", state.rt, {})).refreshJwt;
  },
);
await measure("jwks", () => null, () => call(`/v2/keys/${PROJECT}`));

// Enumeration: an unknown user and a wrong password must cost the same. 200 of each,
// interleaved, one at a time; each account is tried once so no lockout interferes.
const tries = 200;
const victims = [];
for (let batch = 0; batch < tries; batch += workers) {
  victims.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(workers, tries - batch) }, async (_, i) => {
        const email = `victim-${stamp}-${batch + i}@example.com`;
        await call("/v1/auth/password/signup", null, { loginId: email, password });
        return email;
      }),
    )),
  );
}
async function failedSignIn(loginId) {
  const t = performance.now();
  const res = await fetch(base + "/v1/auth/password/signin", {
    method: "POST",
    headers: { authorization: `Bearer ${PROJECT}`, "content-type": "application/json" },
    body: JSON.stringify({ loginId, password: "wrong password" }),
  });
  const body = await res.text();
  return { ms: performance.now() - t, status: res.status, body };
}
const wrong = [];
const unknown = [];
for (let i = 0; i < tries; i++) {
  wrong.push(await failedSignIn(victims[i]));
  unknown.push(await failedSignIn(`nobody-${stamp}-${i}@example.com`));
}
const median = (xs) => xs.map((x) => x.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const same = wrong.every((w, i) => w.status === unknown[i].status && w.body === unknown[i].body);
const [mw, mu] = [median(wrong), median(unknown)];
console.log(
  `enumeration: wrong password median ${mw.toFixed(2)} ms, unknown user median ${mu.toFixed(2)} ms ` +
    `(difference ${((Math.abs(mw - mu) / Math.max(mw, mu)) * 100).toFixed(1)}%, ${tries} tries each); ` +
    `identical status and body: ${same}`,
);
