import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listV4l2Devices, parseAvfoundationDevices, parseDshowDevices } from './video-devices.ts';

test('dshow listing, ffmpeg ≥5 layout and the older sectioned one', () => {
  const modern = `[dshow @ 000001d1] "Integrated Camera" (video)
[dshow @ 000001d1]   Alternative name "@device_pnp_\\\\?\\usb#vid_04f2&pid_b6d0"
[dshow @ 000001d1] "OBS Virtual Camera" (none)
[dshow @ 000001d1] "Microphone Array (Realtek)" (audio)
dummy: Immediate exit requested`;
  assert.deepEqual(parseDshowDevices(modern), [{ device: 'Integrated Camera', name: 'Integrated Camera', backend: 'dshow' }]);
  const old = `[dshow @ 0000] DirectShow video devices (some may be both video and audio devices)
[dshow @ 0000]  "USB2.0 HD UVC WebCam"
[dshow @ 0000]     Alternative name "@device_pnp_x"
[dshow @ 0000] DirectShow audio devices
[dshow @ 0000]  "Microphone"`;
  assert.deepEqual(parseDshowDevices(old).map((d) => d.device), ['USB2.0 HD UVC WebCam']);
});

test('avfoundation listing: cameras by index, screens and audio left out', () => {
  const text = `[AVFoundation indev @ 0x7f8] AVFoundation video devices:
[AVFoundation indev @ 0x7f8] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7f8] [1] Capture screen 0
[AVFoundation indev @ 0x7f8] AVFoundation audio devices:
[AVFoundation indev @ 0x7f8] [0] Built-in Microphone`;
  assert.deepEqual(parseAvfoundationDevices(text), [{ device: '0', name: 'FaceTime HD Camera', backend: 'avfoundation' }]);
});

test('v4l2: capture nodes from /dev with sysfs names, metadata nodes skipped', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-v4l2-'));
  try {
    const dev = path.join(root, 'dev');
    const sys = path.join(root, 'sys');
    mkdirSync(dev);
    for (const [n, name, index] of [['video0', 'HD Webcam', '0'], ['video1', 'HD Webcam', '1'], ['video10', 'Capture card', '0']]) {
      writeFileSync(path.join(dev, n), '');
      mkdirSync(path.join(sys, n), { recursive: true });
      writeFileSync(path.join(sys, n, 'name'), `${name}\n`);
      writeFileSync(path.join(sys, n, 'index'), `${index}\n`);
    }
    assert.deepEqual(listV4l2Devices(dev, sys), [
      { device: path.join(dev, 'video0'), name: 'HD Webcam', backend: 'v4l2' },
      { device: path.join(dev, 'video10'), name: 'Capture card', backend: 'v4l2' },
    ]);
    assert.deepEqual(listV4l2Devices(path.join(root, 'absent')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
