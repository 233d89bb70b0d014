# Set-up and everyday commands. `make demo` and `make test` install any
# missing Debian package (apt-get, as root), configure, build and run.

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
BENCH_DIR ?= build-bench
FUZZ_DIR ?= build-fuzz
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Debian 12 packages the build and the tests need.
PACKAGES := build-essential cmake pkg-config uuid-dev tzdata \
  antlr4 libantlr4-runtime-dev libboost-dev libboost-filesystem-dev \
  libyaml-cpp-dev libsoci-dev libsqlite3-dev libpq-dev postgresql catch2 \
  libhowardhinnant-date-dev libphonenumber-dev libcli11-dev libspdlog-dev \
  nlohmann-json3-dev libcpp-httplib-dev libssl-dev libsodium-dev openssl chromium
BENCH_PACKAGES := libbenchmark-dev
FUZZ_PACKAGES := clang libclang-rt-14-dev

DEMO_ARGS := run campaigns/canicule.vigie \
  --roster examples/rosters/paris_10500.csv \
  --activate 2019-06-24T10:00 --seed 42 --agents 60 --out vigie-out

.PHONY: all deps build demo test sanitize bench fuzz format clean

all: build

# The browser tests of the web console drive Debian's Chromium with
# playwright-core from the npm registry (tests/browser/package-lock.json).
deps:
	@./scripts/install-deps.sh $(PACKAGES)
	@if [ ! -d tests/browser/node_modules ]; then \
	  command -v npm >/dev/null || ./scripts/install-deps.sh nodejs npm; \
	  (cd tests/browser && npm ci --no-audit --no-fund); \
	fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The notifiers append to their files, so each demo starts from an empty folder.
demo: build
	rm -rf vigie-out
	$(BUILD_DIR)/bin/vigie $(DEMO_ARGS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Debug -DVIGIE_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

bench: deps
	@./scripts/install-deps.sh $(BENCH_PACKAGES)
	cmake -S . -B $(BENCH_DIR) -DCMAKE_BUILD_TYPE=Release -DVIGIE_BUILD_BENCH=ON
	cmake --build $(BENCH_DIR) -j $(JOBS)

# libFuzzer comes with clang 14 (libclang-rt-14-dev); see fuzz/README.md.
fuzz: deps
	@./scripts/install-deps.sh $(FUZZ_PACKAGES)
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DVIGIE_BUILD_FUZZERS=ON \
	  -DVIGIE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_DIR) --target vigie_fuzz_compile -j $(JOBS)
	@echo "Run the fuzzer (one core, 30 minutes), keeping new inputs out of the repository:"
	@echo "  mkdir -p /tmp/vigie-fuzz-corpus"
	@echo "  $(FUZZ_DIR)/bin/vigie_fuzz_compile -max_total_time=1800 -rss_limit_mb=2048 -timeout=10 \\"
	@echo "    -max_len=65536 -dict=fuzz/vigie.dict /tmp/vigie-fuzz-corpus fuzz/corpus"

format:
	find engine plugins tests bench examples -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(BENCH_DIR) $(FUZZ_DIR) vigie-out
