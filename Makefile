# Tern: `make run` and `make test` do all the set-up on a fresh Debian machine.
SWIFT      ?= swift
ARGS       ?=
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FUZZ_SECONDS ?= 30
SOAK_SECONDS ?= 60
RELIABILITY_FUZZ_SECONDS ?= 40

.PHONY: all build run sample-files test test-tools test-services cluster cluster-stop browser-test reliability sanitize sanitize-thread sanitize-address fuzz examples bench bench-deps bench-instructions deps clean

all: build

# What building needs besides the Swift 6 toolchain, each found the way it is used and named by
# its Debian package: the C toolchain (gcc, for ld and the C headers), make and git; the
# libraries the toolchain itself loads (ncurses, curl, libxml2); libevent's, SQLite's,
# zlib's and libpq's headers and pkg-config files; curl for the README walkthrough test. Missing ones are
# installed with apt (sudo when not root); where that cannot be done, the make stops and
# names them.
deps:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "error: '$(SWIFT)' not found: install the Swift 6 toolchain (https://www.swift.org/install/linux/) and put its bin folder on PATH" >&2; exit 1; }
	@missing=""; \
	command -v gcc >/dev/null || missing="$$missing gcc libc6-dev"; \
	command -v git >/dev/null || missing="$$missing git"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	for lib in libncurses.so.6:libncurses6 libcurl.so.4:libcurl4 libxml2.so.2:libxml2; do \
	  /sbin/ldconfig -p 2>/dev/null | grep -q "$${lib%%:*}" || missing="$$missing $${lib##*:}"; done; \
	for module in libevent:libevent-dev sqlite3:libsqlite3-dev zlib:zlib1g-dev libpq:libpq-dev; do \
	  pkg-config --exists "$${module%%:*}" 2>/dev/null || missing="$$missing $${module##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && { [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then \
	    echo "installing$$missing (apt)"; \
	    $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || { \
	      echo "error: apt-get could not install:$$missing" >&2; exit 1; }; \
	  else \
	    echo "error: missing:$$missing; on Debian or Ubuntu: apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build -c release --product tern-demo

run: build
	$(SWIFT) run -c release --skip-build tern-demo $(ARGS)

# The 64 MiB range-demo sample in Public/files (the demo also writes it at start when missing).
sample-files: build
	$(SWIFT) run -c release --skip-build tern-demo --write-sample-files

test: deps test-tools test-services
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel
	Tests/Schemathesis/run.sh .build/debug/tern-demo

# The servers the live tests start themselves, in temporary folders, stopped by PID: Debian's
# PostgreSQL (its server binaries under /usr/lib/postgresql; the packaged cluster is not used)
# and HAProxy.
test-services:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing (apt)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || { \
	    echo "error: apt-get could not install:$$missing" >&2; exit 1; }; \
	fi

# Several instances on one machine: PostgreSQL in ./data/postgres (initdb on first use), three
# tern-demo instances on free ports, HAProxy on 127.0.0.1:8080 with health checks on /healthz.
# Every process is recorded by PID in ./data/cluster; cluster-stop stops them by it.
cluster: build test-services
	Cluster/cluster.sh start

cluster-stop:
	Cluster/cluster.sh stop

# Python packages the tests use (PyPI): openapi-spec-validator checks Public/openapi.json;
# schemathesis holds the running demo to it (Tests/Schemathesis).
test-tools:
	@for package in openapi_spec_validator:openapi-spec-validator schemathesis:schemathesis; do \
	  module=$${package%%:*}; name=$${package##*:}; \
	  python3 -c "import $$module" 2>/dev/null && continue; \
	  echo "installing $$name (pip)"; \
	  python3 -m pip --version >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null; }; \
	  python3 -m pip install -q $$name 2>/dev/null || python3 -m pip install -q --break-system-packages $$name || exit 1; \
	done

# The page at / driven by headless Chromium (Debian's chromium and chromium-driver, the
# selenium package from PyPI); leaves a screenshot in .build/browser-test/page.png.
browser-test: build
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing chromium and chromium-driver (apt)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@python3 -c "import selenium" 2>/dev/null || { \
	  echo "installing selenium (pip)"; \
	  python3 -m pip install -q selenium 2>/dev/null || python3 -m pip install -q --break-system-packages selenium; }
	Tests/Browser/run.sh

# Every libFuzzer target for FUZZ_SECONDS each, one per core at a time; a crash fails and leaves
# its input in Fuzz/crashes/.
fuzz: deps
	$(MAKE) -C Fuzz run SECONDS=$(FUZZ_SECONDS)

# Tern against Hummingbird 2, Vapor 4, C evhttp and nginx in one run (about 20 minutes;
# QUICK=1: one short round of every route, SERVERS="tern nginx" for some, "shipped" for the
# servers as their users run them: Benchmarks/shipped_bench.py, "uploads" for a 1 GiB PUT:
# Benchmarks/upload_bench.py, "postgres" for the
# PostgreSQL part: Benchmarks/postgres_bench.py). Writes Benchmarks/results/<date>.md and the
# README's table. The three Swift servers link the Swift runtime statically, as Swift
# services are deployed (the Vapor and Hummingbird templates build with this flag).
BENCH_BUILD = build -c release --static-swift-stdlib
bench: deps bench-deps test-services
	$(SWIFT) build -c release --product tern-demo
	cd Benchmarks && $(SWIFT) $(BENCH_BUILD)
	mkdir -p Benchmarks/work
	cc -O2 -Wall -Wextra -o Benchmarks/work/evhttp-bench Benchmarks/evhttp/server.c $$(pkg-config --cflags --libs libevent)
	QUICK=$(QUICK) python3 Benchmarks/run.py

# Instructions per request for Tern's bench routes and tern-demo's on SQLite (callgrind): for
# before/after figures of a hot-path change where wall-clock figures are too noisy.
bench-instructions: deps bench-deps
	@command -v valgrind >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	$(SWIFT) build -c release --product tern-demo
	cd Benchmarks && $(SWIFT) $(BENCH_BUILD) --product TernBench
	python3 Benchmarks/run.py --prepare
	Benchmarks/instructions/measure.sh

bench-deps:
	@for tool in wrk nginx curl python3 taskset; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing (apt)"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light curl python3 util-linux >/dev/null; fi

# The release server under hostile input, load and faults, plus every fuzz target (about 15
# minutes; SOAK_SECONDS=600 for the ten-minute soak). Prints the figures and writes
# Reliability/results/<date>.md.
reliability: build
	@command -v sqlite3 >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
	SOAK_SECONDS=$(SOAK_SECONDS) FUZZ_SECONDS=$(RELIABILITY_FUZZ_SECONDS) python3 Reliability/run.py

# The whole suite under ThreadSanitizer and AddressSanitizer (separate build folders; one
# test at a time and time bounds stretched, since sanitizers slow everything ten times and
# the live tests' deadlines are real). CI runs the thread one. Each has a suppression file
# for reports that are not Tern's (Tests/tsan.supp, Tests/lsan.supp), which says why.
sanitize: sanitize-thread sanitize-address

sanitize-thread: deps test-tools test-services
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=suppressions=$(CURDIR)/Tests/tsan.supp TERN_TEST_TIME_SCALE=10 $(SWIFT) test --skip-build --no-parallel --sanitize=thread --scratch-path .build-tsan

sanitize-address: deps test-tools test-services
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp TERN_TEST_TIME_SCALE=10 $(SWIFT) test --skip-build --no-parallel --sanitize=address --scratch-path .build-asan

# The examples that need other packages: a Tern router behind Hummingbird 2, whose errors must
# read byte for byte as Tern's own, a service traced with swift-otel's OTLP exporter, and an API
# generated by swift-openapi-generator served through TernOpenAPI
# (separate packages; their first builds take minutes, so they are not part of `make test`;
# CI runs them). They share one build folder, so Tern and the packages they have in common
# (swift-nio, swift-log, swift-http-types) are built once for the three.
EXAMPLES_BUILD = $(CURDIR)/Examples/.build
examples: deps
	@set -e; for example in HummingbirdAdapter OpenTelemetry OpenAPI; do \
	  echo "example $$example"; \
	  (cd Examples/$$example && $(SWIFT) build --build-tests --scratch-path $(EXAMPLES_BUILD) && \
	    $(SWIFT) test --skip-build --scratch-path $(EXAMPLES_BUILD)); \
	done

clean:
	rm -rf .build .build-*
