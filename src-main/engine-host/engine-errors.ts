// Failures of the engine process as the host sees them. Errors the engine itself reports (INVALID_IMAGE,
// MODEL_TIMEOUT...) arrive as EngineCallError with the engine's code; the process being gone or stuck is
// EngineUnavailableError, which the pipeline counts as a dropped frame and the API maps to ENGINE_UNAVAILABLE.

export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
  readonly code = 'ENGINE_UNAVAILABLE';
  constructor(message: string, readonly reason: 'not_ready' | 'crashed' | 'hung' | 'stopped' | 'timeout' | 'failed') {
    super(message);
  }
}

export class EngineCallError extends Error {
  override readonly name = 'EngineCallError';
  constructor(readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}
