// One way for a form or dialog to submit: busy while the call runs (the submit button disables), the error kept
// for the form to show, cleared when the next attempt starts.
import { useCallback, useState } from 'react';

export interface Submit {
  busy: boolean;
  error: unknown;
  setError: (err: unknown) => void;
  /** Runs `fn` as one submission; true when it finished without throwing (the error is kept otherwise, and
   *  `onError` may react to it: clear a password, mark the field the host named). */
  run: (fn: () => Promise<void>, o?: { onError?: (err: unknown) => void }) => Promise<boolean>;
}

export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (fn: () => Promise<void>, o?: { onError?: (err: unknown) => void }): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      o?.onError?.(err);
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
