# replica-audit — two commands on a fresh Debian/Ubuntu machine:
#   make demo   rebuild the seed incident, serve it with nbdkit, verify it
#   make test   run the test suite against real nbdkit servers
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: all deps build test demo bench clean

all: build

deps:
	@scripts/deps.sh test

build:
	@scripts/deps.sh build
	$(SWIFT) build $(BUILD_FLAGS)

test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

demo:
	@scripts/deps.sh demo
	$(SWIFT) build $(BUILD_FLAGS)
	Fixtures/demo.sh

clean:
	rm -rf .build Reports/demo
