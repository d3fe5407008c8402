/**
 * Serves the dashboard and API over the hand-built fixture, for working on the dashboard without
 * a running proxy: `npm run build:dashboard && node --import tsx test/helpers/api-dashboard-dev.ts [port]`.
 * Every second it flips one server and records some fake traffic so the live parts move.
 */
import { createMetrics } from '../../src/observability/metrics.js';
import { sampleView } from './api-fixture.js';
import { startApiServer } from './api-server.js';

const metrics = createMetrics({ prometheus: {} });
const view = sampleView();
const server = await startApiServer(view, { metrics, port: Number(process.argv[2] ?? 8099) });
let tick = 0;
setInterval(() => {
  tick++;
  for (let i = 0; i < 5 + (tick % 7); i++) metrics.live.record('pool@file', 'http://10.0.0.1:8080', 200);
  metrics.live.record('pool@file', 'http://10.0.0.2:8080', tick % 3 ? 200 : 502);
  if (tick % 10 === 0) {
    const pool = view.services['pool@file']!;
    const state = pool.serverStatus!['http://10.0.0.2:8080'] === 'UP' ? 'DOWN' : 'UP';
    pool.serverStatus = { ...pool.serverStatus, 'http://10.0.0.2:8080': state };
    server.events.emit('event', { type: 'server', service: 'pool@file', url: 'http://10.0.0.2:8080', state });
  }
}, 1000);
console.log(`dashboard on ${server.url}/dashboard/`);
