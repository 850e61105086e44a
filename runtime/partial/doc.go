// Package partial is the engine's partial parsing, in dbt's manner
// (dbt keeps target/partial_parse.msgpack): after a successful load it
// stores the loaded, rendered and checked project in
// target/partial_parse.bin, and a later process that finds every input
// unchanged restores the Engine from that file instead of reading YAML,
// parsing and rendering templates, generating tests and building the
// DAG again.
//
// The cache is keyed on everything a load can see: the content of every
// file under the project's model, macro, seed and test folders (hidden
// ones aside, as the loader skips them) and of project.yml, selectors.yml
// and every other YAML file at the project root (sha256 of each file's
// bytes; the set of files counts, so an added or removed file is a
// change), --vars, the resolved target (every field of the profile
// output), the dialect, the values of the environment variables templates
// read with env, and the Go build ID of the running binary. A project
// whose templates call a function whose result changes from run to run
// (now, date, rand*, uuidv4, ...) or read env with a name that is not a
// literal is never cached. A missing, stale, truncated or corrupt cache
// file is ignored: the project is loaded in full, as without a cache. The
// file is written to a temporary name and swapped in (atomicfile.Replace),
// so concurrent processes never see a half-written cache.
//
// Like dbt's, it is partial: when the only files that changed are model
// SQL files whose edits end at the model itself (the same config calls,
// not ephemeral, refs and sources that exist and close no cycle; see
// compile.Engine.UpdateModels), and nothing else did (settings,
// environment, folders, the list of files), the Engine is restored and
// only those models are rendered again. Properties files whose edit
// changed only descriptions of models, seeds or their columns, each on
// its line (project.DescriptionEdits compares the new text with the old
// one, which the cache keeps), are applied the same way
// (compile.Engine.UpdateDescriptions). The file records every input
// file's sha256 to find them. Any other change loads the project in full.
//
// Reading every file to hash it is most of a cache hit's time, so, as
// git's index does, the file also records each file's state (size,
// modification and change times, inode) as it was when hashed: a file
// whose state is unchanged is not read again, its recorded sum stands.
// Any write to a file moves its change time, which no tool can set back
// (cp -p, rsync -t and touch -d restore only the modification time). A
// file changed within two seconds of the previous hashing (racily clean:
// it may have changed again within one timestamp tick) is always read.
//
// ManifestUpToDate and RecordManifest let compile leave an unchanged
// target/manifest.json alone (target/partial_parse.manifest records it).
package partial
