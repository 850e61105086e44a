// Package cli wires the techstore commands together: it parses flags and
// calls the runtime, ingest, generator, api and lineage packages. It holds
// no logic of its own beyond that wiring.
package cli
