# The two set-up commands: `make demo` and `make test`. Both install what a fresh machine lacks.
SWIFT ?= swift
DEMO_STORE ?= .sckb-demo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SCKB := .build/release/sckb

.PHONY: demo test deps test-deps release events clean

# liblmdb-dev (through pkg-config) is the only system library sckb needs.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists lmdb; then \
		echo "installing liblmdb-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq liblmdb-dev pkg-config >/dev/null; \
	fi

# The tests cross-check the hash chain with Python's jcs package, an RFC 8785 implementation not our own.
test-deps: deps
	@python3 -c 'import jcs' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check jcs

release: deps
	$(SWIFT) build -c release --product sckb

demo: release
	@rm -rf $(DEMO_STORE)
	$(SCKB) import events/ --store $(DEMO_STORE)
	@echo
	$(SCKB) stats --store $(DEMO_STORE)
	@echo
	$(SCKB) log --type SolutionReplicated --store $(DEMO_STORE)
	@echo
	$(SCKB) log --type ReplicationPlanned --store $(DEMO_STORE)

test: test-deps
	$(SWIFT) build -c release --product sckb
	SCKB_RELEASE_BINARY=$(CURDIR)/$(SCKB) $(SWIFT) test

# Rebuilds events/ from the CSV files in data/ (deterministic: the same files every time).
events:
	python3 scripts/make_events.py --data data --out events

clean:
	rm -rf .build $(DEMO_STORE)
