// Runs an in-process CLI command with its stdout captured (the commands write their result there).
export async function captureStdout(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string | Uint8Array) => { chunks.push(String(c)); return true; }) as typeof process.stdout.write;
  try {
    return { code: await run(), out: chunks.join('') };
  } finally {
    process.stdout.write = orig;
  }
}
