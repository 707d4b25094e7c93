#!/usr/bin/python3
"""Loopback RTSP server for tests: gst-rtsp-server serving a test pattern or an mp4 file.

Prints one line `READY <port>` on stdout once it listens, then serves until killed.
Run with the system Python (Debian's python3-gi), not a pyenv one.
"""
import argparse
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def launch_line(args):
    pay = 'rtph265pay' if args.codec == 'h265' else 'rtph264pay'
    if args.file:
        parse = 'h265parse' if args.codec == 'h265' else 'h264parse'
        return f'( filesrc location="{args.file}" ! qtdemux ! {parse} ! {pay} name=pay0 pt=96 )'
    caps = f'video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1'
    if args.codec == 'h265':
        enc = f'x265enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps}'
    else:
        enc = f'x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps} ! video/x-h264,profile=baseline'
    return f'( videotestsrc is-live=true pattern=ball ! {caps} ! {enc} ! {pay} name=pay0 pt=96 config-interval=1 )'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--path', default='/cam')
    p.add_argument('--file')
    p.add_argument('--codec', choices=['h264', 'h265'], default='h264')
    p.add_argument('--width', type=int, default=320)
    p.add_argument('--height', type=int, default=240)
    p.add_argument('--fps', type=int, default=15)
    p.add_argument('--user')
    p.add_argument('--password')
    p.add_argument('--shared', action='store_true')
    args = p.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(args))
    factory.set_shared(args.shared)
    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, 'user')
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ''), token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role('user', GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        perms.add_permission_for_role('user', GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(perms)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        print('ERROR cannot listen', flush=True)
        sys.exit(1)
    print(f'READY {server.get_bound_port()}', flush=True)
    GLib.MainLoop().run()


if __name__ == '__main__':
    main()
