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
    ],
    targets: [
        // C libraries, each behind one wall (DESIGN.md): CGSL only in WavesStats,
        // CReadStat only in WavesExport.
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),

        .target(name: "WavesCore", dependencies: [
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "WavesStore", dependencies: ["WavesCore"]),
        .target(name: "WavesStats", dependencies: ["CGSL"]),
        .target(name: "WavesAnalysis", dependencies: ["WavesCore", "WavesStore", "WavesStats"]),
        .target(name: "WavesSurvey", dependencies: ["WavesCore", "WavesStore"]),
        .target(name: "WavesExport", dependencies: [
            "WavesCore", "WavesStore", "WavesAnalysis", "CReadStat",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "WavesReport", dependencies: ["WavesCore", "WavesAnalysis"]),
        // Reaching participants: access codes, invitations, consent, wave windows, the kiosk loop.
        .target(name: "WavesCollect", dependencies: [
            "WavesCore", "WavesStore", "WavesSurvey",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "WavesCLI", dependencies: [
            "WavesCore", "WavesStore", "WavesStats", "WavesAnalysis", "WavesSurvey",
            "WavesExport", "WavesReport", "WavesCollect",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "waves", dependencies: ["WavesCLI"]),
        // Benchmarks: `make bench` builds this in release mode and prints the figures.
        .executableTarget(name: "waves-bench", dependencies: [
            "WavesCore", "WavesStore", "WavesStats", "WavesAnalysis", "WavesSurvey",
            "WavesExport", "WavesReport", "WavesCLI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "WavesCoreTests", dependencies: ["WavesCore"], exclude: ["Fixtures"]),
        .testTarget(name: "WavesStoreTests", dependencies: ["WavesStore", "WavesCore"]),
        .testTarget(name: "WavesStatsTests", dependencies: ["WavesStats"], exclude: ["Fixtures"]),
        .testTarget(name: "WavesAnalysisTests", dependencies: ["WavesAnalysis", "WavesCore", "WavesStore", "WavesStats"]),
        .testTarget(name: "WavesSurveyTests", dependencies: ["WavesSurvey", "WavesCore", "WavesStore"]),
        .testTarget(name: "WavesExportTests", dependencies: ["WavesExport", "WavesAnalysis", "WavesCore", "WavesStore"], exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "WavesReportTests", dependencies: ["WavesReport", "WavesAnalysis", "WavesCore"]),
        .testTarget(name: "WavesCollectTests", dependencies: ["WavesCollect", "WavesCore", "WavesStore", "WavesSurvey"], exclude: ["Fixtures"]),
        // Runs the built `waves` binary on temporary study folders.
        .testTarget(name: "WavesEndToEndTests", dependencies: ["WavesCore", "WavesStore"], exclude: ["Fixtures", "Golden"]),
    ]
)
