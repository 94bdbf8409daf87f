# Kehu - the two commands a newcomer needs are `make run` and `make check`.
BUILD ?= build
JOBS  ?= $(shell nproc)
DB    ?= kehu.db

.PHONY: all deps test-deps build run check mutate unit api api-sqlite api-postgres asan fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Builds and serves on http://127.0.0.1:8080 with demo data in ./kehu.db.
run: build
	./$(BUILD)/kehu serve --db $(DB) --listen 127.0.0.1:8080 --demo

# Every test: unit (CTest), API on SQLite and PostgreSQL, the same under
# ASan+UBSan, and a short fuzz run of the filter parser.
check: test-deps
	@bash scripts/check.sh

# Do the tests notice a broken product? Plants known bugs one at a time
# (slow, about 2 minutes each; docs/testing.md has the last result).
mutate: test-deps
	@bash tests/mutate.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz
