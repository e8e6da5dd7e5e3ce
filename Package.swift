// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Waves",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "waves", targets: ["waves"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        // FileDescriptor with EINTR retry, behind WavesCore/System only (internal import).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // `waves serve`: the SSH transport (WavesServe is the only importer of NIOSSH).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssh", exact: "0.15.1"),
    ],
    targets: [
        // C libraries, each behind one wall (DESIGN.md): CGSL only in WavesStats,
        // CReadStat only in WavesExport, CZlibDeflate (the zlib ZIPFoundation links) only in
        // WavesExport/QDA/ZipStreamWriter.swift, CFormat (snprintf) only in WavesCore/Text/NumberText.swift,
        // CXXHash (xxHash) only in WavesAnalysis/CacheChecksum.swift.
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),
        .systemLibrary(name: "CZlibDeflate", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The C library's number formatting, called without Swift's variadic boxing (NumberText).
        .systemLibrary(name: "CFormat"),
        // xxHash's XXH3, the checksum closing each derived cache, only in WavesAnalysis/CacheChecksum.swift.
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"]), .brew(["xxhash"])]),

        .target(name: "WavesCore", dependencies: [
            "CFormat",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "WavesStore", dependencies: ["WavesCore"]),
        .target(name: "WavesStats", dependencies: ["CGSL"]),
        .target(name: "WavesAnalysis", dependencies: ["WavesCore", "WavesStore", "WavesStats", "CXXHash"]),
        .target(name: "WavesSurvey", dependencies: ["WavesCore", "WavesStore"]),
        .target(name: "WavesExport", dependencies: [
            "WavesCore", "WavesStore", "WavesAnalysis", "CReadStat", "CZlibDeflate",
            .product(name: "Crypto", package: "swift-crypto"),
            "WavesCoding", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .target(name: "WavesReport", dependencies: ["WavesCore", "WavesAnalysis", "WavesStats", "WavesStore"]),
        // Qualitative coding: coder files, the coding session (WavesSurvey's Console), agreement inputs.
        .target(name: "WavesCoding", dependencies: ["WavesCore", "WavesStore", "WavesSurvey", "WavesAnalysis", "WavesStats"]),
        // `waves serve`: an SSH server whose PTY sessions are Consoles for any participant flow.
        .target(name: "WavesServe", dependencies: [
            "WavesCore", "WavesSurvey",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSH", package: "swift-nio-ssh"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Reaching participants: access codes, invitations, consent, wave windows, the kiosk loop.
        .target(name: "WavesCollect", dependencies: [
            "WavesCore", "WavesStore", "WavesSurvey", "WavesServe",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "WavesCLI", dependencies: [
            "WavesCore", "WavesStore", "WavesStats", "WavesAnalysis", "WavesSurvey",
            "WavesExport", "WavesReport", "WavesCoding", "WavesServe", "WavesCollect",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "waves", dependencies: ["WavesCLI"]),
        // Benchmarks: `make bench` builds this in release mode and prints the figures.
        .executableTarget(name: "waves-bench", dependencies: [
            "WavesCore", "WavesStore", "WavesStats", "WavesAnalysis", "WavesSurvey",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets: the process runner of the built binary, golden files, the HTML probe.
        .target(name: "WavesTestSupport", dependencies: [], path: "Tests/WavesTestSupport"),
        .testTarget(name: "WavesCoreTests", dependencies: ["WavesCore"], exclude: ["Fixtures"]),
        .testTarget(name: "WavesStoreTests", dependencies: ["WavesStore", "WavesCore"]),
        .testTarget(name: "WavesStatsTests", dependencies: ["WavesStats", "WavesCore"], exclude: ["Fixtures"]),
        .testTarget(name: "WavesAnalysisTests", dependencies: ["WavesAnalysis", "WavesCore", "WavesStats", "WavesStore"]),
        .testTarget(name: "WavesSurveyTests", dependencies: ["WavesSurvey", "WavesCore", "WavesStore"]),
        .testTarget(name: "WavesExportTests", dependencies: ["WavesExport", "WavesAnalysis", "WavesCore", "WavesStore", "WavesCoding", .product(name: "ZIPFoundation", package: "ZIPFoundation")], exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "WavesCodingTests", dependencies: ["WavesCoding", "WavesAnalysis", "WavesCore", "WavesStore", "WavesSurvey", "WavesStats"]),
        .testTarget(name: "WavesReportTests", dependencies: ["WavesReport", "WavesAnalysis", "WavesCore", "WavesStats", "WavesStore", "WavesTestSupport"]),
        .testTarget(name: "WavesCollectTests", dependencies: ["WavesCollect", "WavesCore", "WavesSurvey", "WavesServe", .product(name: "Crypto", package: "swift-crypto")], exclude: ["Fixtures"]),
        .testTarget(name: "WavesServeTests", dependencies: [
            "WavesServe", "WavesSurvey", "WavesTestSupport", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
        ], exclude: ["Fixtures"]),
        // The CLI's text layer (tables, JSON escaping, notices, argument types, every-scale runs) without the binary.
        .testTarget(name: "WavesCLITests", dependencies: ["WavesCLI", "WavesAnalysis", "WavesCollect", "WavesCore", "WavesStore"]),
        // Runs the built `waves` binary on temporary study folders.
        .testTarget(name: "WavesEndToEndTests", dependencies: ["WavesCore", "WavesStore", "WavesTestSupport"], exclude: ["Fixtures", "Golden"]),
        // waves power: simulated power against exact power (R pwr, noncentral F), generator and fit recovery, determinism.
        .testTarget(name: "WavesPowerTests", dependencies: ["WavesAnalysis", "WavesCore", "WavesStats", "WavesReport"], exclude: ["Fixtures"]),
    ]
)
