// Command techstore is the TechStore Analytics engine: it loads, compiles,
// runs and documents the SQL models of a project, ingests the TechStore
// data and serves the gold layer over HTTP.
package main

import (
	"os"

	"github.com/techstore-analytics/techstore/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
