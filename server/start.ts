/**
 * `npm start`: build the console only when its sources changed since the last build, then start
 * the server in this same process (a second node + tsx boot would cost about a second of CPU).
 */
import { ensureWebBuilt } from './web-build';

const t0 = Date.now();
if (ensureWebBuilt() === 'built') console.log(`Console built in ${((Date.now() - t0) / 1000).toFixed(1)} s (web/dist)`);
await import('./main');
