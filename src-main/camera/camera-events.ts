// Camera events (camera_connection with state changes, a typed stream-lost error), plus a
// periodic camera_stats carrying the session statistics for storage and the UI.
import { randomUUID } from 'node:crypto';
import type { CameraState } from '../../src-contract/camera-config.ts';
import type { CameraErrorCode, CameraTestErrorCode } from './camera-error.ts';
import type { CameraSessionStats } from './camera-stats.ts';

interface CameraEventBase {
  event_id: string;
  /** ISO-8601 UTC. */
  timestamp: string;
  camera_id: string;
  camera_name: string;
  session_id: string;
  state: CameraState;
}

export interface CameraConnectionEvent extends CameraEventBase {
  event_type: 'camera_connection';
  status: 'connecting' | 'connected' | 'disconnected' | 'stopped';
  /** 1 for the first attempt of this session, counting every retry. */
  connection_attempt: number;
  /** `connected`: time from starting the attempt to the first frame. */
  latency_ms: number | null;
  details: string;
}

export interface CameraErrorEvent extends CameraEventBase {
  event_type: 'camera_error';
  error: {
    code: CameraTestErrorCode;
    /** Finer reason than `code` (STALLED, STREAM_NOT_FOUND, …). */
    reason: CameraErrorCode;
    message: string;
    last_frame_at: string | null;
    reconnection_attempts: number;
    /** null when no retry follows (the session stopped). */
    next_retry_at: string | null;
  };
}

export interface CameraStatsEvent extends CameraEventBase {
  event_type: 'camera_stats';
  stats: CameraSessionStats;
}

export type CameraEvent = CameraConnectionEvent | CameraErrorEvent | CameraStatsEvent;

export const newEventId = (): string => `evt_${randomUUID().replace(/-/g, '').slice(0, 16)}`;

export const isoOrNull = (epochMs: number | null): string | null => (epochMs === null ? null : new Date(epochMs).toISOString());
