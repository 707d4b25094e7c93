// Entry of the Electron main process (bundled by scripts/build-electron.ts to package.json "main").
// Starts the host core with the desktop's key provider, utility-process engine launcher and resources.
import { createHost } from '../host/host.ts';
import { runDesktopApp } from './desktop-app.ts';

runDesktopApp(async ({ dataDir, keyProvider, engineLauncher, resources, log }) => {
  const host = await createHost({
    dataDir, keyProvider, engineLauncher, logger: log,
    ffmpegPath: resources.ffmpegPath,
    // The demo camera plays a video composed at set-up time in a development checkout; installers ship none.
    demo: false,
    engineOptions: { modelsDir: resources.modelsDir },
  });
  return {
    dispatcher: host.dispatcher,
    bus: host.bus,
    authenticate: (creds) => host.access.auth.authenticate(creds),
    onAccessChange: (listener) => host.access.auth.onAccessChange(listener),
    healthz: () => host.healthz(),
    mediaRoot: host.mediaRoot,
    openLiveStream: (cameraId, kind, signal) => host.openLiveStream(cameraId, kind, signal),
    close: () => host.close(),
  };
});
