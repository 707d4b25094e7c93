// Entry of the desktop app's host-core process (bundled to dist/electron/host.js). Runs as an Electron utility
// process (messages over process.parentPort, engines started by main through the broker) or, under plain Node, as
// a child_process.fork child (process.send; the host forks its engine itself, as `vigil serve` does).
import { createHost } from '../host/host.ts';
import { BrokeredEngineLauncher } from './engine-broker.ts';
import { partsOf } from './host-adapter.ts';
import { runHostProcess } from './host-process.ts';
import type { HostToMain, MainToHost, ParentLink } from './host-wire.ts';
import { BridgedKeyProvider } from './key-bridge.ts';

function parentLink(): ParentLink {
  const port = (process as { parentPort?: Electron.ParentPort }).parentPort;
  if (port) {
    return {
      send: (msg: HostToMain) => port.postMessage(msg),
      onMessage: (fn) => port.on('message', (event) => fn(event.data as MainToHost, event.ports)),
    };
  }
  if (!process.send) throw new Error('host-process-main runs as a utility process or a forked child, not on its own');
  return {
    send: (msg: HostToMain) => { if (process.connected) process.send!(msg); },
    onMessage: (fn) => process.on('message', (msg) => fn(msg as MainToHost, [])),
  };
}

runHostProcess(parentLink(), {
  createHost: async (init, { keyProvider, engineLauncher, logger }) => partsOf(await createHost({
    dataDir: init.dataDir, keyProvider, engineLauncher, logger,
    ffmpegPath: init.ffmpegPath,
    demo: init.demo ?? false,
    engineOptions: { ...(init.modelsDir ? { modelsDir: init.modelsDir } : {}), ...init.engineOptions },
    ...(init.waitForEngineMs ? { waitForEngineMs: init.waitForEngineMs } : {}),
  })),
  bridgeKeys: (key) => new BridgedKeyProvider(key),
  brokerLauncher: (link, onMessage) => new BrokeredEngineLauncher(link, onMessage),
  exit: (code) => process.exit(code),
});

// A forked child whose parent went away stops on its own (a utility process dies with the app).
process.on('disconnect', () => process.exit(0));
