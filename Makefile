# The project's verbs. A fresh machine needs only Go: `make generate`, then
# `make test` (which installs the servers its tests start, see services).
GO ?= go

.PHONY: generate test services lint bench bench-receive bench-ogen fuzz

# The golden packages of generator/testdata: go's ./... skips testdata, and
# a glob means a new case needs no edit here.
GOLDEN = $(addprefix ./,$(wildcard generator/testdata/*/golden))

# Regenerate every provider package that specs/hookgen.yaml lists.
generate:
	$(GO) run ./cmd/hookgen generate

# Everything CI checks about the code: lint, unit and golden tests, the race
# detector on the runtime and the generated packages (their concurrency
# tests), a short run of every fuzz target.
test: services lint
	$(GO) test ./...
	HOOKGEN_REDIS_SERVER=valkey-server $(GO) test ./internal/redistest ./webhook/redisdedup  # the same Deduper on Valkey
	$(GO) test $(GOLDEN)
	$(GO) test -race ./webhook/... ./runtime/... ./generated/...
	$(MAKE) fuzz FUZZTIME=10000x

# The servers the tests of webhook/redisdedup start on loopback:
# redis-server and valkey-server from Debian's packages (Debian 12 has
# Valkey in bookworm-backports, added for it), installed here when missing
# and we are root. Otherwise it says what to run, and those tests skip
# (they fail under CI=true). RUNLEVEL=1 keeps a package from starting a
# system-wide server of its own: the tests start theirs.
services:
	@if ! command -v redis-server >/dev/null 2>&1 || ! command -v valkey-server >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing redis-server and valkey-server (apt-get)"; \
	    . /etc/os-release; suite=; \
	    if [ "$$VERSION_CODENAME" = bookworm ]; then \
	      suite=bookworm-backports; \
	      printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
	        > /etc/apt/sources.list.d/bookworm-backports.sources; \
	    fi; \
	    apt-get update -qq && \
	    RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null && \
	    RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $${suite:+-t $$suite} valkey-server >/dev/null || exit 1; \
	  else \
	    echo "redis-server or valkey-server is missing: run sudo apt-get install redis-server valkey-server, or their tests skip" >&2; \
	  fi; \
	fi

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... $(GOLDEN)
	$(GO) tool staticcheck ./... $(GOLDEN)
	GOARCH=386 CGO_ENABLED=0 $(GO) build ./webhook/... ./runtime/... ./generated/...  # int has 32 bits there; no cgo, so no 32-bit C headers needed

# Every fuzz target, each for FUZZTIME (go test fuzzes one target at a time).
# CI gives each a count of inputs, not a duration: Go 1.26's fuzz
# coordinator can fail a target with "context deadline exceeded" when a
# -fuzztime duration runs out (go.dev/issue/75804, fixed in Go 1.27).
FUZZTIME ?= 30s
FUZZ_TARGETS = ./parser:FuzzParse \
	./webhook:FuzzHMACSignatureHeader ./webhook:FuzzSignature ./webhook:FuzzParseBasicAuth ./webhook:FuzzParseBearer \
	./webhook/oauth:FuzzTokenEndpoint ./webhook:FuzzMACAuthorization \
	./runtime/jsonx:FuzzProbe ./runtime/jsonx:FuzzPayloadValue ./runtime/jsonx:FuzzScan ./runtime/jsonx:FuzzNumber ./runtime/jsonx:FuzzParseTime \
	./generated/doordash:FuzzServer ./generated/doordash:FuzzJSONRandom ./generated/doordash:FuzzJSONBytes
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$pkg $$name"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x; \
	done

# Generation speed: 10,000 messages may take at most 12x the time of 1,000,
# and the provider specs well under a second (internal/benchcheck decides).
bench:
	$(GO) test ./generator -run '^$$' -bench '^BenchmarkGenerate$$' -benchmem -count 5 -timeout 30m | $(GO) run ./internal/benchcheck
	$(MAKE) bench-receive

# Receiver speed (bench/, its own module so users never download ogen):
# hookgen's Server, a hand-written encoding/json handler, ogen and the floor,
# plus decode-only, Twilio's signed form beside JSON, and deliveries over
# loopback HTTP with the in-memory Deduper, the Redis one and hand-off to
# JetStream (one at a time and from 64 clients), interleaved BENCHROUNDS times, then the targets judged on
# the medians (internal/benchcheck -receive); about a minute and a half.
BENCHROUNDS ?= 10
BENCHSTAT = golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
bench-receive: services
	cd bench && $(GO) test -c -o bench.test . && rm -f results.out && \
	  for i in $$(seq $(BENCHROUNDS)); do \
	    ./bench.test -test.run '^$$' -test.bench . -test.benchmem -test.benchtime 200ms >> results.out || exit 1; \
	  done && \
	  $(GO) run $(BENCHSTAT) -filter '.name:Server' -col /server results.out && \
	  $(GO) run $(BENCHSTAT) -filter '.name:Decode' -col /decoder results.out && \
	  $(GO) run $(BENCHSTAT) -filter '.name:ReceiveForm' -col /receiver results.out && \
	  $(GO) run $(BENCHSTAT) -filter '.name:(Scale OR ScaleParallel)' -col /receiver results.out
	$(GO) run ./internal/benchcheck -receive < bench/results.out

# Regenerate bench/ogen from the OpenAPI twin of the DoorDash spec.
bench-ogen:
	cd bench && $(GO) run github.com/ogen-go/ogen/cmd/ogen@v1.24.0 --target ogen --package ogen --clean doordash.openapi.yaml
