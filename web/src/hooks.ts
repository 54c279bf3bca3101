import { useCallback, useEffect, useRef, useState } from 'react';

export interface Async<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on reload); keeps the last data while reloading. */
export function useAsync<T>(load: () => Promise<T> | undefined, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    const promise = loadRef.current();
    if (!promise) {
      setState({ loading: false });
      return;
    }
    setState((previous) => ({ ...previous, loading: true }));
    promise.then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) =>
        live && setState((previous) => ({ data: previous.data, error: error as Error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, version]); // the caller names what `load` depends on
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Unix seconds, updated every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Math.floor(Date.now() / 1000)), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
