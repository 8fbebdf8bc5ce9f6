// The inference backends live in worker/inference/ (embedded engine, inference container,
// routing by model and configuration, fallback); re-exported here for existing importers.
export { embeddedBackend, type InferenceBackend, type InferenceInput } from "../inference/backends";
