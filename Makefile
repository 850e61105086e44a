# TechStore Analytics. `make start` and `make test` are the two commands a new
# user needs; everything else is documented in the README.
SHELL := /bin/bash
GO ?= go
SCALE ?= 1
SEED ?= 42
ADDR ?= 127.0.0.1:8080
BIN := bin/techstore
export CGO_ENABLED := 1

.PHONY: build test test-unit test-fuzz test-e2e test-browser test-spark lint start bench clean generate

build: $(BIN)

$(BIN): FORCE
	@mkdir -p bin
	$(GO) build -o $(BIN) ./cmd/techstore

FORCE:

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: lint test-unit test-fuzz

test-unit:
	$(GO) test -count=1 -timeout 15m ./...

# Short fixed-time fuzz runs of the parsers (seed corpora also run in test-unit).
test-fuzz:
	@scripts/fuzz-short.sh

test-e2e: test-browser test-spark

# Headless Chromium opens the generated docs page from file:// (every other
# request blocked); screenshots and timings land in target/e2e/.
test-browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ apt-get update && apt-get install -y chromium; }
	$(GO) test -tags e2e -count=1 -timeout 10m ./lineage/site/e2e/ ./api/

# Starts a local Spark Thrift server with Delta (installing pyspark and the
# Delta jars into ~/.cache/techstore on first use), runs the `spark`-tagged
# Go tests against it, stops it.
test-spark:
	@scripts/spark/test.sh

# Build the binary, generate the data at SCALE (reused when present), build
# every layer with its tests (skipped when nothing changed), write the docs
# site and serve the API on ADDR. See scripts/start.sh.
start:
	@SCALE='$(SCALE)' SEED='$(SEED)' ADDR='$(ADDR)' GO='$(GO)' scripts/start.sh

clean:
	rm -rf bin target warehouse
