// Execution-provider preference per platform. The accelerator comes first, the CPU last and always; a
// provider that cannot load (no driver, no provider library, wrong OS) is skipped at session creation
// and the model runs on the next one. onnxruntime-node 1.30 ships CUDA support for Linux x64 only when
// installed with --onnxruntime-node-install=cuda12, DirectML on Windows and CoreML on macOS arm64.
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

export const KNOWN_PROVIDERS: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'cpu'];

export function defaultProviders(platform: NodeJS.Platform = process.platform): ProviderName[] {
  switch (platform) {
    case 'linux':
      return ['cuda', 'cpu'];
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cpu'];
  }
}

/** Normalises a requested list: known names only, no duplicates, the CPU last (always there). */
export function providerChain(requested: readonly string[] | undefined, platform: NodeJS.Platform = process.platform): ProviderName[] {
  const list = (requested && requested.length ? requested : defaultProviders(platform)).filter(
    (p): p is ProviderName => (KNOWN_PROVIDERS as readonly string[]).includes(p) && p !== 'cpu',
  );
  return [...new Set(list), 'cpu'];
}
