/**
 * The test helper library: real processes on real ptys, real child Node processes, /proc;
 * nothing is mocked. Each concern in its own file; import from here.
 */
export * from './children.js';
export * from './proc.js';
export * from './sessions.js';
export * from './wait.js';
export * from './tracked.js';
