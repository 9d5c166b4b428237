# The two commands a newcomer needs: `make run` and `make test`. Everything else is a detail.
JOBS ?= $(shell nproc)
RELEASE_DIR ?= build/release
ASAN_DIR ?= build/asan
BROKLE_DATA_DIR ?= ./data
CMAKE_FLAGS ?=

.PHONY: run test bootstrap build build-asan unit integration bench clean format

run: build
	@mkdir -p $(BROKLE_DATA_DIR)
	BROKLE_DATA_DIR=$(BROKLE_DATA_DIR) ./$(RELEASE_DIR)/brokle serve

bootstrap:
	@./scripts/bootstrap.sh

$(RELEASE_DIR)/build.ninja:
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBROKLE_SANITIZE=ON $(CMAKE_FLAGS)

build: bootstrap $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS)

build-asan: bootstrap $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS)

# The whole suite on the Release build, then again under ASan+UBSan.
test: build build-asan
	cd $(RELEASE_DIR) && ctest --output-on-failure --timeout 300
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure --timeout 600 -LE bench

unit: build
	cd $(RELEASE_DIR) && ctest --output-on-failure -L unit

integration: build
	cd $(RELEASE_DIR) && ctest --output-on-failure -L integration

bench: build
	./bench/http_core.sh

clean:
	rm -rf build
