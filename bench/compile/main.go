package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/techstore-analytics/techstore/bench/compile/synth"
)

func main() {
	models := flag.Int("models", 2000, "number of models")
	out := flag.String("out", "", "folder to write the project into (must not exist)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench/compile -models N -out DIR")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "%s exists; give a new folder\n", *out)
		os.Exit(2)
	}
	if err := synth.Generate(*out, *models); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
