/**
 * Content hashes of model files: the cache key of an analysis, and how a changed file is told from a touched one.
 * The engine's hashing, which reads a model's files under its rules for untrusted model folders (model-files.ts).
 */
export { hashModelFiles } from '../../engine/models/model-hash';
