// Structured JSON logs (pino). Every line carries service/version/instance_id (so a site's logs can be merged); secrets are redacted
// by path so a camera config or request body logged whole cannot leak a password or token.
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go (default stdout). Tests pass a stream to read lines back. */
  destination?: DestinationStream;
  service?: string;
  version?: string;
  instanceId?: string;
}

export const REDACTED_PATHS = [
  'password', '*.password', '*.*.password', 'source.password', 'config.source.password',
  'token', '*.token', 'secret', '*.secret', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'req.headers.cookie', 'data_base64', '*.data_base64', 'embedding', '*.embedding',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.VIGIL_LOG_LEVEL ?? 'info',
      base: { service: options.service ?? 'vigil-host', version: options.version ?? process.env.npm_package_version ?? '0.0.0', instance_id: options.instanceId ?? `${hostname()}-${process.pid}` },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
