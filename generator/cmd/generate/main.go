package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/techstore-analytics/techstore/generator"
)

func main() {
	contracts := flag.String("contracts", "models/gold", "folder of the gold YAML contracts")
	out := flag.String("out", "api", "folder of the generated Go code")
	check := flag.Bool("check", false, "write nothing; fail when the generated files are stale")
	flag.Parse()
	if err := run(*contracts, *out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

func run(contracts, out string, check bool) error {
	c, err := generator.LoadDir(contracts)
	if err != nil {
		return err
	}
	files, err := generator.Generate(c, generator.Options{Package: "api", Source: generator.SourceLabel("models/gold")})
	if err != nil {
		return err
	}
	if check {
		diff, err := generator.Diff(out, files)
		if err != nil {
			return err
		}
		if len(diff) > 0 {
			return fmt.Errorf("stale generated code in %s:\n  %s", out, strings.Join(diff, "\n  "))
		}
		return nil
	}
	return generator.Write(out, files)
}
