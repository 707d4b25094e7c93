// Entry of the engine's utility process (bundled to dist/electron/engine.js). Imports run in order: first the
// shim that maps process.send / process.on('message') onto Electron's parentPort, then the engine's own
// process entry, the same one the headless host forks with child_process.
import './parent-port-install.ts';
import '../../src-engine/process-main.ts';
