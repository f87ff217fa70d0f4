// TZDist throughput in-process through app.fetch (no sockets): get of America/New_York with and
// without a matching If-None-Match, other formats, truncation and find. Run: npx tsx bench/tzdist.ts
import { Hono } from 'hono';
import { createTzdistApp } from '../src/tzdist/index.ts';

const app = new Hono().route('/tzdist', createTzdistApp({ tzdistPath: '/tzdist' }));
const BASE = 'http://bench.example/tzdist';
const SECONDS_PER_CASE = Number(process.env.BENCH_SECONDS ?? 2);
const MAX_REQUESTS_PER_CASE = 2_000_000;

async function measure(name: string, path: string, headers: Record<string, string> = {}): Promise<void> {
  const send = async () => {
    const response = await app.fetch(new Request(BASE + path, { headers }));
    await response.arrayBuffer();
    return response.status;
  };
  const status = await send();
  for (let i = 0; i < 200; i++) await send(); // warm-up
  const deadline = performance.now() + SECONDS_PER_CASE * 1000;
  const started = performance.now();
  let count = 0;
  while (performance.now() < deadline && count < MAX_REQUESTS_PER_CASE) {
    await send();
    count++;
  }
  const elapsed = (performance.now() - started) / 1000;
  console.log(`${name.padEnd(44)} ${String(status).padStart(3)}  ${Math.round(count / elapsed).toString().padStart(8)} req/s`);
}

const etag = (await app.fetch(new Request(`${BASE}/zones/America/New_York`))).headers.get('ETag') ?? '';

console.log(`TZDist in-process, ${SECONDS_PER_CASE}s per case, Node ${process.version}`);
await measure('get America/New_York (text/calendar)', '/zones/America/New_York');
await measure('get America/New_York + If-None-Match (304)', '/zones/America/New_York', { 'If-None-Match': etag });
await measure('get America/New_York (jCal)', '/zones/America/New_York', { Accept: 'application/calendar+json' });
await measure('get America/New_York (TZif)', '/zones/America/New_York', { Accept: 'application/tzif' });
await measure('get America/New_York truncated 2020–2030', '/zones/America/New_York?start=2020-01-01T00:00:00Z&end=2030-01-01T00:00:00Z');
await measure('find pattern=new*york', '/zones?pattern=new*york');
await measure('find pattern=Europe/*', '/zones?pattern=Europe/*');
await measure('expand America/New_York 10 years', '/zones/America/New_York/observances?start=2020-01-01T00:00:00Z&end=2030-01-01T00:00:00Z');
