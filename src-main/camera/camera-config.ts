// The canonical camera schema is shared with the UI and lives in the contract layer
// (src-contract/camera-config.ts): extend it there, not here.
export * from '../../src-contract/camera-config.ts';
