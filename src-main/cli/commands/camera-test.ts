// `vigil camera-test '<json config | url>' [--seconds N] [--preview] [--detect-stream URL]`: connects like the app does and
// prints one JSON object; exit 0 on success, 1 on a camera failure, 2 on bad usage.
import { testCamera } from '../../camera/camera-test.ts';

const USAGE = "usage: vigil camera-test '<json source config | camera config | url>' [--seconds N] [--preview] [--detect-stream URL|PATH]\n";

export async function run(argv: string[]): Promise<number> {
  let input: string | undefined;
  let seconds = 4;
  let preview = false;
  let detectStream: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') {
      seconds = Number(argv[++i]);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) {
        process.stderr.write(`vigil camera-test: --seconds must be a number in (0, 60]\n${USAGE}`);
        return 2;
      }
    } else if (a === '--preview') {
      preview = true;
    } else if (a === '--detect-stream') {
      detectStream = argv[++i];
      if (!detectStream) {
        process.stderr.write(`vigil camera-test: --detect-stream needs a URL or path\n${USAGE}`);
        return 2;
      }
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else if (input === undefined) {
      input = a;
    } else {
      process.stderr.write(`vigil camera-test: unexpected argument ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (input === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  const result = await testCamera(input, { seconds, preview, detectStream });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.ok ? 0 : 1;
}
