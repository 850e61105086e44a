// Package atomicfile writes files so that a reader sees either the old
// content or the new one, never a part of it: the bytes go to a temporary
// file in the same folder, which is renamed over the target only once it is
// complete. The manifest, the compiled-file index, the partial parse cache,
// run results and the docs page are all written this way, so a command
// stopped half-way never leaves a truncated file behind. Replace, for the
// large files rewritten by every compile (the manifest and the partial
// parse cache), swaps the new file in instead and deletes the old one at
// the next write, so that compile does not wait for the file system to
// dispose of it.
package atomicfile
