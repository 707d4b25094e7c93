// The layering rules, run through ESLint's Node API with the repository's own eslint.config.js: a wrong import
// is rejected with the rule's message, the same import the right way round passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

test('a src-main folder may not import a folder of its own or a higher tier', async () => {
  const code = "import type { HostContext } from '../host/host-context.ts';\nexport type X = HostContext;\n";
  assert.deepEqual(await ruleIds(code, 'src-main/pipeline/layer-probe.ts'), ['vigil/src-main-layers']);
  // Same tier (camera and tracking are both tier 3) is refused too.
  assert.deepEqual(await ruleIds("import type { Box } from '../tracking/types.ts';\nexport type T = Box;\n", 'src-main/camera/layer-probe.ts'), ['vigil/src-main-layers']);
  // Downward is fine, and so is the same import from a test file.
  assert.deepEqual(await ruleIds("import type { TopicBus } from '../core/topic-bus.ts';\nexport type B = TopicBus;\n", 'src-main/pipeline/layer-probe.ts'), []);
  assert.deepEqual(await ruleIds(code, 'src-main/pipeline/layer-probe.test.ts'), []);
});

test('a folder missing from the layer table is reported, not silently allowed', async () => {
  const ids = await ruleIds('export const x = 1;\n', 'src-main/newfolder/probe.ts');
  assert.deepEqual(ids, ['vigil/src-main-layers']);
});

test('src-main reaches the engine only through its public modules', async () => {
  const internal = "import type { AnalyzeResult } from '../../src-engine/engine.ts';\nexport type R = AnalyzeResult;\n";
  assert.deepEqual(await ruleIds(internal, 'src-main/pipeline/layer-probe.ts'), ['vigil/engine-public-only']);
  const viaPublic = "import type { AnalyzeResult } from '../../src-engine/public.ts';\nexport type R = AnalyzeResult;\n";
  assert.deepEqual(await ruleIds(viaPublic, 'src-main/pipeline/layer-probe.ts'), []);
  // A test may use the engine's test helpers, production code may not.
  const helper = "import { SAMPLE_FACES } from '../../src-engine/testing/face-samples.ts';\nexport const s = SAMPLE_FACES;\n";
  assert.deepEqual(await ruleIds(helper, 'src-main/pipeline/layer-probe.test.ts'), []);
  assert.deepEqual((await ruleIds(helper, 'src-main/pipeline/layer-probe.ts')).sort(), ['vigil/engine-public-only', 'vigil/no-testing-helpers']);
});

test('testing/ helpers stay out of production imports; tests and other helpers may use them', async () => {
  const code = "import { startMjpegServer } from '../camera/testing/mjpeg-http-server.ts';\nexport const s = startMjpegServer;\n";
  assert.deepEqual(await ruleIds(code, 'src-main/host/layer-probe.ts'), ['vigil/no-testing-helpers']);
  assert.deepEqual(await ruleIds(code, 'src-main/host/layer-probe.test.ts'), []);
  assert.deepEqual(await ruleIds(code, 'src-main/host/testing/layer-probe.ts'), []);
});
