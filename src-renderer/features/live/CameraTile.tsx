// One camera on the live wall: picture, overlay, name and state badge.
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { StateBadge } from '../cameras/StateBadge.tsx';
import { useConnection } from '../../app/connection.ts';
import { FaceOverlay } from './FaceOverlay.tsx';
import { LiveVideo } from './LiveVideo.tsx';
import type { MediaElement } from './LiveVideo.tsx';
import { VideoSync } from './video-sync.ts';

export function CameraTile({ camera, focused, onOpen, large }: { camera: CameraView; focused?: boolean; onOpen?: () => void; large?: boolean }) {
  const { t } = useTranslation();
  const mediaRef = useRef<MediaElement | null>(null);
  // Shared by the player and the overlay so the boxes land on the picture shown (see video-sync.ts).
  const sync = useMemo(() => new VideoSync(), [camera.id]);
  const interactive = Boolean(onOpen);
  // The fps and state come from the host: stale while it is unreachable (the badge says so).
  const hostUp = useConnection((s) => s.connected !== false);
  return (
    <div
      className={`tile${focused ? ' tile-focused' : ''}${large ? ' tile-large' : ''}${interactive ? ' tile-interactive' : ''}`}
      data-testid="camera-tile"
      data-camera-id={camera.id}
      role={interactive ? 'button' : 'group'}
      tabIndex={interactive ? 0 : undefined}
      aria-label={interactive ? t('live.openCamera', { name: camera.name }) : camera.name}
      onClick={onOpen}
      onKeyDown={(e) => { if (onOpen && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); onOpen(); } }}
    >
      <div className="tile-media">
        <LiveVideo camera={camera} mediaRef={mediaRef} sync={sync} />
        <FaceOverlay cameraId={camera.id} cameraName={camera.name} mediaRef={mediaRef} active={camera.enabled} sync={sync} />
        {(camera.state !== 'live' || !hostUp) && (
          <div className="tile-offline">
            <StateBadge camera={camera} />
            {camera.state === 'error' && camera.stats.last_error && <p className="tile-error">{camera.stats.last_error}</p>}
          </div>
        )}
      </div>
      <div className="tile-bar">
        <span className="tile-name" title={camera.location ? `${camera.name} · ${camera.location}` : camera.name}>{camera.name}</span>
        {camera.location && <span className="tile-location">{camera.location}</span>}
        <span className="tile-spacer" />
        {camera.state === 'live' && hostUp && <span className="tile-fps">{t('live.fps', { fps: camera.stats.fps.toFixed(1) })}</span>}
        <StateBadge camera={camera} />
      </div>
    </div>
  );
}
