// Side-effect module: installs the parentPort shim when running inside an Electron utility process.
import { adaptParentPort } from './parent-port-shim.ts';

if (!process.parentPort) throw new Error('engine.js runs only inside an Electron utility process (utilityProcess.fork)');
adaptParentPort(process as never, process.parentPort);
