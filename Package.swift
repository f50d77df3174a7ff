// swift-tools-version: 6.0
import PackageDescription

// Layers (docs/ARCHITECTURE.md): dependencies point down only.
//   replica-audit → Reporting → Verification → ContentCheck, SourceInventory → DiskProbe → BlockAccess → AuditCore
//   (issue 14: Canary sits beside ContentCheck: Verification → Canary → BlockAccess, AuditCore)
// Linux only: libnbd, libfdisk and libblkid from the distribution (Debian 12 or later), and
// memfd for the probe's shadow file. SwiftPM has no way to declare that; no Apple platform
// is claimed.
let package = Package(
    name: "replica-audit",
    products: [
        .executable(name: "replica-audit", targets: ["replica-audit"]),
        .library(name: "BlockAccess", targets: ["BlockAccess"]),
        .library(name: "DiskProbe", targets: ["DiskProbe"]),
        .library(name: "SourceInventory", targets: ["SourceInventory"]),
        .library(name: "ContentCheck", targets: ["ContentCheck"]),
        .library(name: "Verification", targets: ["Verification"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "Wave", targets: ["Wave"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Canary", targets: ["Canary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),  // tests only (SourceInventoryTests)
    ],
    targets: [
        .systemLibrary(name: "CLibNBD", pkgConfig: "libnbd", providers: [.apt(["libnbd-dev"])]),
        .systemLibrary(name: "CLibFdisk", pkgConfig: "fdisk", providers: [.apt(["libfdisk-dev"])]),
        .systemLibrary(name: "CLibBlkid", pkgConfig: "blkid", providers: [.apt(["libblkid-dev"])]),
        // Issue 13: the audit ledger's two backends (docs/LEDGER.md).
        // Headers only (libsqlite3-dev, libpq-dev): the ledger loads libsqlite3.so.0 and libpq.so.5
        // at first use, so they are not linked and the binary does not need them (docs/RELEASE.md).
        .systemLibrary(name: "CSQLite"),
        .systemLibrary(name: "CLibPQ"),

        .target(name: "AuditCore"),
        .target(name: "BlockAccess", dependencies: [
            "AuditCore", "CLibNBD",
        ]),
        .target(name: "DiskProbe", dependencies: [
            "AuditCore", "BlockAccess", "CLibFdisk", "CLibBlkid",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "SourceInventory", dependencies: [
            "AuditCore", "BlockAccess",
        ]),
        .target(name: "ContentCheck", dependencies: [
            "AuditCore", "BlockAccess", "DiskProbe",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Issue 14: canary disks (block format, HMAC, manifest, layout, image making, block scanner).
        .target(name: "Canary", dependencies: [
            "AuditCore", "BlockAccess",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Verification", dependencies: [
            "AuditCore", "BlockAccess", "DiskProbe", "SourceInventory", "ContentCheck", "Canary",
            .product(name: "Crypto", package: "swift-crypto"),  // preflight window hashes, content attribution
        ]),
        .target(name: "Reporting", dependencies: [
            "AuditCore", "BlockAccess", "DiskProbe", "SourceInventory", "Verification", "Canary",
            .product(name: "Crypto", package: "swift-crypto"),  // issue 15: DSSE attestations, Ed25519
        ]),
        // Issue 13: many VMs in one run (README.md, "A wave").
        .target(name: "Wave", dependencies: [
            "AuditCore", "BlockAccess", "SourceInventory", "ContentCheck", "Verification", "Reporting",
        ]),
        // Issue 13: the audit ledger (docs/LEDGER.md); beside the layers, on AuditCore only.
        .target(name: "Ledger", dependencies: [
            "AuditCore", "CSQLite", "CLibPQ",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "replica-audit", dependencies: [
            "AuditCore", "BlockAccess", "DiskProbe", "SourceInventory", "ContentCheck",
            "Verification", "Reporting", "Wave", "Ledger", "Canary",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),  // issue 15: input digests in provenance
        ]),

        // libFuzzer targets (scripts/fuzz.sh builds them with -sanitize=fuzzer -DFUZZING;
        // a plain build makes them replay tools for saved inputs).
        .target(name: "FuzzSupport"),
        .executableTarget(name: "fuzz-witnesses", dependencies: ["FuzzSupport", "DiskProbe", "BlockAccess"]),
        .executableTarget(name: "fuzz-parsers", dependencies: ["FuzzSupport", "DiskProbe"]),  // issue 17: the pure parsers, fast
        .executableTarget(name: "fuzz-inventory", dependencies: ["FuzzSupport", "SourceInventory"]),

        // Test helpers: a hermetic nbdkit per test, fixture builders, running the built binary.
        .target(name: "TestSupport", dependencies: ["BlockAccess"], path: "Tests/TestSupport"),
        .testTarget(name: "BlockAccessTests", dependencies: ["BlockAccess", "TestSupport"]),
        .testTarget(name: "DiskProbeTests", dependencies: ["DiskProbe", "BlockAccess", "TestSupport"]),
        // Yams only here: the reference the project's own YAML reader is checked against.
        .testTarget(name: "SourceInventoryTests", dependencies: [
            "SourceInventory", "TestSupport", "AuditCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "ContentCheckTests", dependencies: ["ContentCheck", "DiskProbe", "BlockAccess", "TestSupport"]),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "DiskProbe", "SourceInventory", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Verification", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        // Issue 6: hostile labels, resource bounds, read-only proof across every command.
        // Issue 14: canary disks over real nbdkit.
        .testTarget(name: "CanaryTests", dependencies: ["Canary", "BlockAccess", "TestSupport"]),
        .testTarget(name: "RobustnessTests", dependencies: ["DiskProbe", "BlockAccess", "TestSupport"]),
        // Issue 13: `wave` end to end over nbdkit, and the wave file's parser and planner.
        .testTarget(name: "WaveTests", dependencies: ["Wave", "SourceInventory", "Reporting", "TestSupport"]),
        // Issue 16: the Ansible collection (integrations/ansible) run by real ansible-core.
        .testTarget(name: "AnsibleTests", dependencies: ["TestSupport"]),
        // Issue 13: the same ledger suite on SQLite and on a real PostgreSQL server.
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
