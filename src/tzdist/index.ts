// Public face of the TZDist area (RFC 7808): the sub-app the composition root mounts.
export { createTzdistApp, type TzdistOptions } from './route.ts';
