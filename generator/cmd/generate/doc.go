// Command generate writes api/*_gen.go from the gold contracts, like
// `techstore generate`, without linking the API it generates (so it runs
// even when the generated code is stale). Used by `go generate ./api`.
//
//	go run ./generator/cmd/generate [-contracts models/gold] [-out api] [-check]
package main
