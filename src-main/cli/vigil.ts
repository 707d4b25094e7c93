// `vigil` command line: each subcommand lives in its own module under ./commands and is loaded lazily
// so that `vigil models` does not pay for starting cameras and `vigil serve` does not load test tools.
type CommandModule = { run(argv: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  analyze: { summary: 'analyze [--embeddings] [--out FILE] [--from FILE] <file|dir|->...   detect faces in images (any number; - reads paths from stdin), JSON out', load: () => import('./commands/analyze.ts') },
  compare: { summary: 'compare <imageA> <imageB>                             similarity of the largest faces', load: () => import('./commands/compare.ts') },
  models: { summary: 'models                                                the model registry with providers and health', load: () => import('./commands/models.ts') },
  'camera-test': { summary: "camera-test '<json config | url>' [--seconds N]     connect to a camera like the app does", load: () => import('./commands/camera-test.ts') },
  serve: { summary: 'serve [--data DIR] [--port N] [--no-demo]             run the host headless and serve the console', load: () => import('./commands/serve.ts') },
  audit: { summary: 'audit verify [--data DIR]                             verify the audit hash chain', load: () => import('./commands/audit.ts') },
  export: { summary: 'export-person <personId> [--data DIR] [--out FILE]    per-person data export (zip)', load: () => import('./commands/export-person.ts') },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const entry = name ? commands[name] ?? (name === 'export-person' ? commands.export : undefined) : undefined;
  if (!entry) {
    process.stderr.write(`usage: vigil <command>\n\n${Object.values(commands).map((c) => `  vigil ${c.summary}`).join('\n')}\n`);
    return name ? 2 : 0;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`vigil: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
