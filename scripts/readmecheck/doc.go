// Command readmecheck keeps the README's API examples true. Each example in
// README.md is a block of the form
//
//	<!-- example: top-customers -->
//	```sh
//	curl -s 'http://127.0.0.1:8080/api/customers/top-customers?limit=2'
//	```
//	```json
//	{"items": [...]}
//	```
//
// optionally with the expected status, `<!-- example: unknown-customer status=404 -->`
// (200 when absent). readmecheck requests every example's URL from a running
// server (the host and port of the README replaced by -base) and compares the
// answer with the JSON block: same status, same JSON text once whitespace is
// removed (key order and number spelling included). With -update it rewrites
// the JSON blocks from the server's answers instead (review the diff).
//
// scripts/readme-check.sh runs it against `make start` in a fresh clone.
package main
