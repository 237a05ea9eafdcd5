# paxkit — every task a developer or CI runs. `make test` is the one command CI runs.
GO        ?= go
FUZZTIME  ?= 10s
APIS      := tomp intrepid mews-legacy mews erin
REDOCLY   := node_modules/.bin/redocly

.PHONY: all generate check-generated build test unit fuzz-smoke fuzz soak lint lint-go lint-specs run clean bench

all: build

## generate: regenerate gen/<api>/ from openapi/<api>.yaml with the pinned oapi-codegen
generate:
	$(GO) generate ./gen/...

## check-generated: fail if gen/ is not exactly what `make generate` produces from the specs
check-generated:
	@tmp=$$(mktemp -d) && cp -R gen "$$tmp/gen" && \
	$(MAKE) --no-print-directory generate >/dev/null && \
	if ! diff -r "$$tmp/gen" gen; then \
		echo "gen/ is stale: run 'make generate' and commit the result" >&2; rm -rf "$$tmp"; exit 1; \
	fi; rm -rf "$$tmp"

## build: the paxkit binary in bin/
build:
	$(GO) build -o bin/paxkit ./cmd/paxkit

## test: everything CI checks — vet, unit tests with the race detector, a short run of every
## fuzz target, generated code up to date, and the spec linters
test: lint-go unit fuzz-smoke check-generated lint-specs

unit:
	$(GO) test -race -count=1 -timeout 30m ./...

## fuzz-smoke: each fuzz target for $(FUZZTIME); `make fuzz FUZZTIME=10m` runs them long
fuzz-smoke fuzz:
	@FUZZTIME=$(FUZZTIME) GO=$(GO) ./.ci/fuzz

## soak: the soak test (64 concurrent clients on every API) for $(SOAKTIME) under the race
## detector; CI runs it for 3 s as part of `make unit`
SOAKTIME ?= 2m
soak:
	@out=$$(mktemp) && PAXKIT_SOAK_DURATION=$(SOAKTIME) $(GO) test -race -count=1 -timeout 0 -run '^TestSoak$$' -v \
		./internal/robustness >"$$out" 2>&1; status=$$?; \
	grep -E 'figures|^(---|ok|FAIL|PASS)|soak_test|DATA RACE|panic' "$$out"; rm -f "$$out"; exit $$status

lint: lint-go lint-specs

lint-go:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

## lint-specs: paxkit's own linter (kin-openapi) and Redocly CLI over the five specs
lint-specs: $(REDOCLY)
	$(GO) run ./cmd/paxkit lint
	$(REDOCLY) lint --config redocly.yaml $(APIS)

$(REDOCLY): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## bench: load, start-up and memory figures (wrk, Prism) and the store scale benchmarks into
## bench/results/ — minutes long and noisy on shared machines, so not part of `make test`
bench:
	GO=$(GO) ./bench/run.sh

## run: the README's first command
run:
	$(GO) run ./cmd/paxkit serve

clean:
	rm -rf bin node_modules bench/bin bench/.prism
