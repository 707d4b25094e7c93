// Preload of the main window. Runs sandboxed (no Node, `require` limited to 'electron'), so the build bundles it
// into one CommonJS file. It exposes one object, `window.vigil`, whose functions close over ipcRenderer: the page
// never gets ipcRenderer itself, only calls to the contract's methods and subscriptions to its topics.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../../src-contract/bridge.ts';
import { PORT_CHANNEL, PORT_REQUEST_CHANNEL } from '../electron/ipc-channels.ts';
import { createBridge } from './bridge-facade.ts';

/** The contract's method names, injected at build time by scripts/build-electron.ts (keeps zod out of the preload). */
declare const __VIGIL_METHODS__: readonly string[];

const bridge = createBridge(__VIGIL_METHODS__, {
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  requestPort: () => ipcRenderer.send(PORT_REQUEST_CHANNEL),
  onPort: (listener) => {
    ipcRenderer.on(PORT_CHANNEL, (event) => {
      const port = event.ports[0];
      if (port) listener(port);
    });
  },
  warn: (message) => console.warn(message),
});

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
