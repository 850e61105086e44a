// Command compile writes a synthetic project for the compile benchmark:
//
//	go run ./bench/compile -models 10000 -out /tmp/synth10k
//
// run.sh beside it generates 2,000- and 10,000-model projects and times
// `techstore compile` on them from a cold process.
package main
