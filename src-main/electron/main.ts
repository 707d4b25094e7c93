// Entry of the Electron main process (bundled by scripts/build-electron.ts to package.json "main").
// Main owns windows, the tray and the IPC gates; it starts the host core in its own utility process
// (dist/electron/host.js, see host-process-main.ts) and the engines that host asks for.
import { runDesktopApp } from './desktop-app.ts';

runDesktopApp();
