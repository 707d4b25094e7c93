// Trace ids follow one frame from capture to event; span ids name one stage within it.
import { randomBytes } from 'node:crypto';

export function newTraceId(): string {
  return `trace_${randomBytes(8).toString('hex')}`;
}

export function newSpanId(): string {
  return `span_${randomBytes(4).toString('hex')}`;
}
