// The engine in this process (loads onnxruntime): for the CLI commands that analyse images without a child
// process (analyze, compare, models) and for tests. The host talks to the engine process through the protocol;
// its light public types and tools are in ./public.ts.
export { Engine } from './engine.ts';
export { addUserModel, installModel, loadUserManifest, locateModel, mergeManifests, userModelsDir, type InstallFacts, type InstallVerdict } from './registry/user-models.ts';
