#!/usr/bin/env bash
# Sets up a fresh machine (Debian/Ubuntu with Node 20+, npm, python3, g++): system packages,
# npm dependencies (offline-safe: no binary downloads outside npm), the demo assets and the UI build.
set -euo pipefail
cd "$(dirname "$0")/.."

export ONNXRUNTIME_NODE_INSTALL=skip ELECTRON_SKIP_BINARY_DOWNLOAD=1
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v chromium >/dev/null || need+=(chromium fonts-liberation)
# pdftotext / pdftoppm: the export tests read the attendance PDF back as text
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -f /usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib ] || [ -n "$(ls /usr/lib/*/girepository-1.0/GstRtspServer-1.0.typelib 2>/dev/null)" ] || \
  need+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "setup: installing system packages: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: please install: ${need[*]}" >&2
  fi
fi
command -v ffmpeg >/dev/null && export FFMPEG_BIN="$(command -v ffmpeg)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node --import tsx scripts/setup-assets.ts
npx vite build --logLevel warn
echo "setup: done"
