# replica-audit — two commands on a fresh Debian/Ubuntu machine:
#   make demo   rebuild the seed incident, serve it with nbdkit, verify it
#   make test   run the test suite against real nbdkit servers
SWIFT ?= swift
BUILD_FLAGS ?=
# The build's commit and commit date, recorded in every report's provenance (README.md,
# "Provenance and signed attestations"): scripts/build-info.sh writes the git-ignored
# Sources/AuditCore/BuildStamp.generated.swift and prints the flag that compiles it in.
# A plain `swift build` works too and records "unknown".
STAMP = $(shell scripts/build-info.sh)

.PHONY: all deps build test test-asan demo fuzz clean release install uninstall deb release-check

all: build

deps:
	@scripts/deps.sh test

build:
	@scripts/deps.sh build
	$(SWIFT) build $(BUILD_FLAGS) $(STAMP)

# The build fails on any compiler warning in Sources/ or Tests/ (scripts/build-checked.sh).
test: deps
	scripts/build-checked.sh $(SWIFT) build --build-tests $(BUILD_FLAGS) $(STAMP)
	$(SWIFT) test --skip-build $(BUILD_FLAGS) $(STAMP)

# The suite under AddressSanitizer. The replica-audit binary that the tests start is
# instrumented too and runs with LeakSanitizer on (toolchain leaks are suppressed in
# scripts/lsan.supp); the XCTest runner itself runs without leak detection, because XCTest
# and Foundation keep allocations alive at exit. ASAN_TESTS picks the test targets: by
# default those that feed hostile bytes to the parsers, the probe and the readers (every
# module's own tests, the robustness suite and the canary block scanner); CI runs that set to
# stay within its time budget. `make test-asan ASAN_TESTS=.` runs everything.
# The binary's quarantine is 32 MiB (ASan's default, 256 MiB, keeps that much freed memory
# resident, which RobustnessTests' peak-RSS bound would count as the tool's own).
ASAN_TESTS ?= ^(BlockAccessTests|DiskProbeTests|SourceInventoryTests|ContentCheckTests|VerificationTests|ReportingTests|RobustnessTests|LedgerTests\.LedgerURLAndFailureTests|CanaryTests\.CanaryBlockTests|CanaryTests\.CanaryScannerTests)[./]
test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan $(BUILD_FLAGS)
	ASAN_OPTIONS=detect_leaks=0 REPLICA_AUDIT_CHILD_ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=32 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan $(BUILD_FLAGS) --filter '$(ASAN_TESTS)'

# libFuzzer targets, 10 minutes each by default: make fuzz FUZZ_SECONDS=60. Built with -O
# and ASan into .build-fuzz; each prints its exec/s against a floor, which fails the run
# only with FUZZ_ENFORCE_FLOOR=1 (scripts/fuzz.sh).
FUZZ_SECONDS ?= 600
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

demo:
	@scripts/deps.sh demo
	$(SWIFT) build $(BUILD_FLAGS) $(STAMP)
	Fixtures/demo.sh

# Release (docs/RELEASE.md): a binary with the Swift runtime linked statically, which needs
# only glibc, libnbd, libfdisk and libblkid at run time; its man page and bash/zsh/fish
# completions are generated from the binary's own command definitions.
#   make release                      build into .build-release/release/replica-audit
#   make install PREFIX=/usr/local    binary, man page, completions, docs, demo fixtures (DESTDIR= for staging)
#   make uninstall PREFIX=/usr/local  remove exactly those
#   make deb                          .build-release/replica-audit_VERSION_ARCH.deb
#   make release-check                build both, check the links, install the .deb and use it
PREFIX ?= /usr/local
DESTDIR ?=
RELEASE_FLAGS = -c release --static-swift-stdlib --disable-local-rpath --scratch-path .build-release
# The C++ runtime is linked in statically too (scripts/static-cxx.sh), so the binary needs
# only glibc, libnbd, libfdisk and libblkid.
release:
	@scripts/deps.sh build
	cxx=$$(scripts/static-cxx.sh .build-release/static-cxx) && $(SWIFT) build $(RELEASE_FLAGS) $$cxx --product replica-audit $(STAMP)
	scripts/release-assets.sh .build-release/release/replica-audit .build-release/assets

# install builds nothing (so `sudo make install` after `make release` leaves no root-owned
# build files); it refuses when the release build is missing.
install:
	scripts/install.sh "$(DESTDIR)" "$(PREFIX)"

uninstall:
	scripts/install.sh --uninstall "$(DESTDIR)" "$(PREFIX)"

deb: release
	@scripts/deps.sh release
	scripts/make-deb.sh

release-check:
	scripts/release-check.sh

clean:
	rm -rf .build .build-asan .build-fuzz .build-release .work Reports/demo
