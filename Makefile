# The two set-up commands: `make demo` and `make test`. Both install what a fresh machine lacks.
SWIFT ?= swift
DEMO_STORE ?= .sckb-demo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SCKB := .build/release/sckb

.PHONY: demo test deps test-deps bench-deps release events lint bench clean fuzz bench-web soak

# The system libraries sckb needs, found through pkg-config: liblmdb-dev (the store) and libssl-dev (libcrypto's
# SHA-256 for the hash chain).
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists lmdb libcrypto; then \
		echo "installing liblmdb-dev, libssl-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq liblmdb-dev libssl-dev pkg-config >/dev/null; \
	fi

# The tests cross-check the hash chain with Python's jcs package, an RFC 8785 implementation not our own, and the
# checkpoints and proofs with scripts/verify_proof.py, which needs PyPI's cryptography (Ed25519) and rfc8785; the
# browser checks drive Debian's chromium through chromium-driver with Selenium (PyPI).
test-deps: deps
	@python3 -c 'import jcs' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check jcs
	@python3 -c 'import cryptography, rfc8785' 2>/dev/null || \
		python3 -m pip install --quiet --disable-pip-version-check cryptography rfc8785
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v chromedriver >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium-driver >/dev/null; }
	@python3 -c 'import selenium' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check selenium

release: deps
	$(SWIFT) build -c release --product sckb

demo: release
	@rm -rf $(DEMO_STORE)
	@echo "== import events/ into a fresh store ($(DEMO_STORE))"
	@$(SCKB) import events/ --store $(DEMO_STORE)
	@echo; echo "== the 18 lighthouse projects"
	@$(SCKB) projects --store $(DEMO_STORE)
	@echo; echo "== every city, its country and tier"
	@$(SCKB) cities --store $(DEMO_STORE)
	@echo; echo "== what spread where (reach: cities that demonstrated or adopted a solution)"
	@$(SCKB) spread --store $(DEMO_STORE)
	@echo; echo "== the replication graph (planned edges included)"
	@$(SCKB) graph --planned --store $(DEMO_STORE)
	@$(SCKB) graph --planned --format dot --store $(DEMO_STORE) > graph.dot
	@command -v dot >/dev/null 2>&1 || { echo "installing graphviz (for graph.svg)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz >/dev/null; } || true
	@if command -v dot >/dev/null 2>&1; then dot -Tsvg graph.dot -o graph.svg && echo "wrote graph.dot and graph.svg"; \
		else echo "wrote graph.dot (graphviz could not be installed, so no graph.svg)"; fi
	@echo; echo "== what stood in the way, and what got it through (obstacles by category)"
	@$(SCKB) obstacles --store $(DEMO_STORE) | sed -n '/^CATEGORY/,$$p'
	@echo; echo "== the open obstacles"
	@$(SCKB) obstacles --open --store $(DEMO_STORE)
	@echo; echo "== impact: totals of the demonstration reports beside the published headline figures"
	@$(SCKB) kpis --store $(DEMO_STORE)
	@echo; echo "== what Sabadell could take up next (the first three candidates)"
	@$(SCKB) next sabadell --store $(DEMO_STORE) | awk '/^4\. /{exit} {print}'
	@echo; echo "== what Burgas could take up next (the first three candidates)"
	@$(SCKB) next burgas --store $(DEMO_STORE) | awk '/^4\. /{exit} {print}'
	@echo; echo "== what the record does not know yet (sckb gaps)"
	@$(SCKB) gaps --store $(DEMO_STORE)
	@echo; echo "== verify"
	@$(SCKB) verify --store $(DEMO_STORE)
	@echo; echo "== browse it (read-only web view on http://127.0.0.1:8080/; Ctrl-C stops it):"
	@echo "   $(SCKB) serve --store $(DEMO_STORE)"

# The benchmark's baselines (bench/baseline.c) link LMDB and SQLite with gcc.
bench-deps: deps
	@if ! [ -e /usr/include/sqlite3.h ]; then \
		echo "installing libsqlite3-dev (the benchmark's SQLite baseline)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libsqlite3-dev >/dev/null; \
	fi

# The tests build once, in release with testable imports (`-enable-testing`), in their own build folder
# (.build/test): the sckb the CLI tests, the benchmark smoke run and the browser checks run, and the test bundle, share
# every compiled module, dependencies included, and the tests' own code runs optimized. Before, a release sckb and a
# debug test bundle each compiled the dependencies. In two fresh clones timed beside be3e66f's two-build make test,
# the one build took 328 and 342 s against 325 and 315 s, the test runs 97.5 and 90.7 s against 91.6 and 99.2 s, and
# the whole make test 1.04x and 1.07x be3e66f's (the two-build flow had measured 1.09x and 1.16x). The CLI tests run
# that sckb (SCKB_RELEASE_BINARY), so Package.swift leaves it out of the bundle's dependencies. The test targets
# themselves compile with -Onone (Package.swift, testSettings): about 51 s instead of 84 s; the one test that had
# needed optimized code, a byte search through store files, now uses Foundation's. sckb links the Swift runtime and
# Foundation statically and has no FoundationNetworking, so each of the thousands of sckb runs of the CLI tests
# starts in about 10 ms instead of 26 ms.
TEST_BUILD := .build/test
TEST_SCKB := $(TEST_BUILD)/release/sckb
TEST_ENV := SCKB_RELEASE_BINARY=$(CURDIR)/$(TEST_SCKB)
TEST_FLAGS := -c release -Xswiftc -enable-testing --scratch-path $(TEST_BUILD)

test: test-deps bench-deps
	$(TEST_ENV) $(SWIFT) build --build-tests $(TEST_FLAGS)
	@echo "== benchmark smoke run (10,000 events; the figures of a run this small mean nothing)"
	$(TEST_ENV) python3 scripts/bench.py --events 10000 --out .build/bench-smoke.json
	$(TEST_ENV) $(SWIFT) test --skip-build $(TEST_FLAGS)
	@echo "== in a real browser (Selenium, headless chromium; screenshots in .build/screenshots/)"
	python3 scripts/browser_checks.py --sckb $(TEST_SCKB)

# The long kill -9 check of `sckb mirror`, apart from `make test` for its time: a mirror of a running `sckb serve`
# holding 100,000 events, killed at 20 random moments, `verify` after each, then one run that completes it
# (MirrorSoakTests, enabled by SCKB_SOAK=1; the same build as `make test`).
soak: deps
	$(TEST_ENV) $(SWIFT) build --build-tests $(TEST_FLAGS)
	SCKB_SOAK=1 $(TEST_ENV) $(SWIFT) test --skip-build $(TEST_FLAGS) --filter MirrorSoakTests

# Load run of `sckb serve` (wrk on 127.0.0.1, under 30 s): requests/s and p99 while another process imports.
bench-web: release
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	scripts/bench-web.sh

# Every figure of the performance issue, in one run on one generated log (BENCH_EVENTS, default 1,000,000).
BENCH_EVENTS ?= 1000000
bench: release bench-deps
	python3 scripts/bench.py --events $(BENCH_EVENTS) --out bench-results.json

# The style check: swift-format with the project's .swift-format (public API documented, no force unwraps).
lint:
	$(SWIFT) format lint --strict -r Sources Tests Fuzz

# Rebuilds events/ from the CSV files in data/ (deterministic: the same files every time).
events:
	python3 scripts/make_events.py --data data --out events

# Fuzzes the line and event decoders for FUZZ_SECONDS (libFuzzer, AddressSanitizer); the corpus, seeded from
# events/ and generated lines, and any crash-* inputs stay in .fuzz/ (git-ignored).
FUZZ_SECONDS ?= 300
FUZZ_BUILD := .build-fuzz
fuzz: release
	SCKB_FUZZ=1 $(SWIFT) build -c release --build-path $(FUZZ_BUILD) --product FuzzDecoder \
		-Xswiftc -sanitize=fuzzer,address
	Fuzz/seed.sh $(SCKB) .fuzz/corpus
	cd .fuzz && ASAN_OPTIONS=detect_leaks=0 ../$(FUZZ_BUILD)/release/FuzzDecoder corpus \
		-max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -print_final_stats=1

clean:
	rm -rf .build $(DEMO_STORE) .build-fuzz .fuzz
