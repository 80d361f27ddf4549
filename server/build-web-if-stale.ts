/** `npm start`'s first step: build the console only when its sources changed since the last build. */
import { ensureWebBuilt } from './web-build';

const t0 = Date.now();
if (ensureWebBuilt() === 'built') console.log(`Console built in ${((Date.now() - t0) / 1000).toFixed(1)} s (web/dist)`);
