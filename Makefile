# The project's verbs. A fresh machine needs only Go: `make generate`, then
# `make test`.
GO ?= go

.PHONY: generate test lint bench fuzz

# Regenerate every provider package that specs/hookgen.yaml lists.
generate:
	$(GO) run ./cmd/hookgen generate

# Everything CI checks about the code: lint, unit and golden tests, the race
# detector on the runtime and the generated packages (their concurrency
# tests), a short run of every fuzz target.
test: lint
	$(GO) test ./...
	$(GO) test ./generator/testdata/constructs/golden
	$(GO) test -race ./webhook/... ./generated/...
	$(MAKE) fuzz FUZZTIME=4s

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./generator/testdata/constructs/golden
	$(GO) tool staticcheck ./... ./generator/testdata/constructs/golden

# Every fuzz target, each for FUZZTIME (go test fuzzes one target at a time).
FUZZTIME ?= 30s
FUZZ_TARGETS = ./parser:FuzzParse \
	./webhook:FuzzHMACSignatureHeader ./webhook:FuzzParseBasicAuth ./webhook:FuzzParseBearer \
	./webhook:FuzzTokenEndpoint ./webhook:FuzzMACAuthorization
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$pkg $$name"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s; \
	done

# Generation speed: 10,000 messages may take at most 12x the time of 1,000,
# and the provider specs well under a second (internal/benchcheck decides).
bench:
	$(GO) test ./generator -run '^$$' -bench '^BenchmarkGenerate$$' -benchmem -count 5 -timeout 30m | $(GO) run ./internal/benchcheck
