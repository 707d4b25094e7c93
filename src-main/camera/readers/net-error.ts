// Node network errors → camera error classes, for the readers that connect from Node.
import { CameraError } from '../camera-error.ts';

export function cameraErrorFromNet(err: NodeJS.ErrnoException, what: string): CameraError {
  switch (err.code) {
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new CameraError('TIMEOUT', `${what}: connection timed out`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CameraError('STREAM_UNAVAILABLE', `${what}: host not found`);
    case 'ECONNREFUSED':
      return new CameraError('STREAM_UNAVAILABLE', `${what}: connection refused`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new CameraError('STREAM_UNAVAILABLE', `${what}: connection reset`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CameraError('STREAM_UNAVAILABLE', `${what}: host unreachable`);
    case 'ERR_INVALID_CHAR':
    case 'ERR_INVALID_HTTP_TOKEN':
    case 'ERR_INVALID_URL':
      return new CameraError('INVALID_CONFIG', `${what}: ${err.message}`);
    default:
      if (/certificate|self.signed|SSL|TLS/i.test(err.message)) return new CameraError('UNSUPPORTED', `${what}: TLS: ${err.message}`);
      return new CameraError('STREAM_UNAVAILABLE', `${what}: ${err.message}`);
  }
}

export function cameraErrorFromHttpStatus(status: number, what: string): CameraError {
  if (status === 401 || status === 403) return new CameraError('AUTH_FAILED', `${what}: HTTP ${status} (credentials refused)`);
  if (status === 404 || status === 410) return new CameraError('STREAM_NOT_FOUND', `${what}: HTTP ${status} (no such stream)`);
  return new CameraError('STREAM_UNAVAILABLE', `${what}: HTTP ${status}`);
}
