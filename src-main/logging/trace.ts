// Trace ids follow one frame from capture to event.
import { randomBytes } from 'node:crypto';

export function newTraceId(): string {
  return `trace_${randomBytes(8).toString('hex')}`;
}
