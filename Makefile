# pledged — the two commands a user needs:
#   make run    installs what is missing (Debian 12), builds, migrates, loads
#               the sample data and serves on http://127.0.0.1:8080
#   make test   builds everything and runs the whole suite twice (plain, and
#               under AddressSanitizer + UndefinedBehaviorSanitizer), ending
#               with one line "N passed, M failed"
# The real build is meson's; this file only drives it.

DEB_PACKAGES := meson ninja-build pkg-config gcc libc6-dev python3 \
                libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev curl \
                libcurl4-openssl-dev zlib1g-dev libpq-dev
# What the tests need beyond the build: clang and its runtime (libFuzzer),
# Chromium (the dashboard test in a real browser), Docker, runc, debootstrap
# and docker-compose (the image built and run for real), PostgreSQL and
# nginx (the PostgreSQL engine's tests, two replicas behind a proxy),
# and node and npm (the OpenAPI linter; from Debian only when the machine
# has no node at all).
TEST_PACKAGES := clang libclang-rt-14-dev chromium docker.io runc debootstrap docker-compose \
                 postgresql nginx
TEST_COMMANDS := node npm
NEED_PACKAGES ?=
NEED_COMMANDS ?=

BUILD      ?= build
ASAN_BUILD ?= build-asan
DB         ?= pledged.db
PORT       ?= 8080

.PHONY: run test build deps clean bench bench-pg bench-scale draft-eval install
PREFIX     ?= /usr/local
RELEASE_BUILD ?= build-release

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES) $(NEED_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	for c in $(NEED_COMMANDS); do command -v $$c >/dev/null 2>&1 || \
	  case $$c in node|npm) missing="$$missing nodejs npm";; *) missing="$$missing $$c";; esac; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing packages. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
	  -Db_lundef=false -Dc_args=-fno-sanitize-recover=all

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# make install: the binary on your PATH (meson install; PREFIX=/usr/local).
install: build
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	meson install -C $(BUILD)

run: build
	$(BUILD)/server/pledged migrate --db $(DB)
	$(BUILD)/server/pledged seed --db $(DB)
	@echo "Serving on http://127.0.0.1:$(PORT)  (create a write token: $(BUILD)/server/pledged token add NAME --db $(DB))"
	$(BUILD)/server/pledged serve --db $(DB) --port $(PORT)

test: NEED_COMMANDS = $(TEST_COMMANDS)
test: NEED_PACKAGES = $(TEST_PACKAGES)
test: deps $(BUILD)/build.ninja $(ASAN_BUILD)/build.ninja
	@ninja -C $(BUILD) && ninja -C $(ASAN_BUILD) || { echo "0 passed, 1 failed"; exit 1; }
	@PYTHONDONTWRITEBYTECODE=1 python3 tests/integration/npm_tools.py $(BUILD) $(ASAN_BUILD)
	@meson test -C $(BUILD) --print-errorlogs --num-processes 2; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --timeout-multiplier 3; \
	python3 tests/summary.py $(BUILD) $(ASAN_BUILD)

# make bench: release build, 100,000 pledges, wrk on loopback against pledged
# and a bare libmicrohttpd server (the ceiling); prints a table for README.
bench: NEED_COMMANDS = wrk
bench: deps
	@[ -f $(RELEASE_BUILD)/build.ninja ] || meson setup $(RELEASE_BUILD) --buildtype=release -Db_ndebug=true
	ninja -C $(RELEASE_BUILD) server/pledged tests/bench/ceiling
	python3 tests/bench/bench.py $(RELEASE_BUILD) $(or $(SECONDS),10) 100000 $(or $(ROUNDS),3)

# make bench-pg: the same release build on PostgreSQL (a throwaway server),
# one and two replicas behind nginx, next to SQLite, at 100,000 pledges.
bench-pg: NEED_COMMANDS = wrk
bench-pg: NEED_PACKAGES = postgresql nginx
bench-pg: deps
	@[ -f $(RELEASE_BUILD)/build.ninja ] || meson setup $(RELEASE_BUILD) --buildtype=release -Db_ndebug=true
	ninja -C $(RELEASE_BUILD) server/pledged tests/bench/ceiling
	python3 tests/bench/bench_pg.py $(RELEASE_BUILD) $(or $(SECONDS),5)

# make bench-scale: make bench's 1,000,000-pledge mode; the same release
# build, pledged import of 10,000 and of 1,000,000 pledges, each request
# timed uncached (median of 15 curl calls) at both sizes, peak memory.
# (make's $(or) would split 10000,1000000 at its comma: a variable instead.)
SCALE_SIZES = $(if $(SIZES),$(SIZES),10000,1000000)
bench-scale: NEED_COMMANDS = curl
bench-scale: deps
	@[ -f $(RELEASE_BUILD)/build.ninja ] || meson setup $(RELEASE_BUILD) --buildtype=release -Db_ndebug=true
	ninja -C $(RELEASE_BUILD) server/pledged
	python3 tests/bench/scale.py $(RELEASE_BUILD) $(SCALE_SIZES)

# make draft-eval: the five seed articles drafted in order against the
# sample data's companies, filed as the drafts propose; precision and
# recall of amounts, people, durations, countries and companies.
draft-eval: deps
	ninja -C $(BUILD)
	PYTHONDONTWRITEBYTECODE=1 python3 tests/bench/draft_eval.py $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(RELEASE_BUILD)
