// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

/// The test targets compile without optimization even in `make test`'s release build: the code under test (EventStore,
/// Projections, WebView, sckb) is optimized, while the tests' own code, which spends its time waiting for that code,
/// compiles in about half the time.
let testSettings: [SwiftSetting] = [
    .unsafeFlags(["-Onone"])
]

/// `sckb` links the Swift runtime and Foundation statically on Linux: a command then starts in 10 ms instead of 16 ms
/// (no symbol lookups through a dozen shared libraries at each start), which the CLI tests, running `sckb` thousands
/// of times, feel most. LMDB, libcrypto and libc stay shared. SwiftPM's own `--static-swift-stdlib` would compile every
/// module a second time against the static SDK, which has no Swift Testing, so the one test build links it this way:
/// `-static-stdlib` and the static Foundation's own libraries, which its shared library would have brought along.
let staticRuntime: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
            "-lFoundationEssentials", "-lFoundationInternationalization",
        ],
        .when(platforms: [.linux])
    )
]

/// Whether the test build makes a debug `sckb` for the CLI tests. `make test` builds the release binary first and
/// hands it to the tests in `SCKB_RELEASE_BINARY` (they then run that binary, never another), so the test build then
/// leaves out the debug `sckb` and ArgumentParser, which nothing else in it needs; a plain `swift test` builds it.
let cliTestsBuildSCKB = (Context.environment["SCKB_RELEASE_BINARY"] ?? "").isEmpty

let package = Package(
    name: "sckb",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sckb", targets: ["sckb"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Without Hummingbird's default traits: ConfigurationSupport compiles swift-configuration, which sckb does not
        // use (it reads its options itself), and FullFoundation only changes URL-encoded forms, which sckb does not
        // decode.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "EventStore",
            dependencies: ["CLMDB", "CCrypto"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Projections",
            dependencies: ["EventStore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "WebView",
            dependencies: ["Projections", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sckb",
            dependencies: [
                "Projections",
                "WebView",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The mirror's HTTP client (MirrorFeed.swift); the web view's server has these modules already.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: staticRuntime
        ),
        .testTarget(
            name: "EventStoreTests",
            dependencies: ["EventStore"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections"],
            swiftSettings: testSettings
        ),
        // The web view in process: requests go straight to the responder of the application `sckb serve` runs, with
        // a testing channel (NIOEmbedded) for the request context, as HummingbirdTesting's router mode does without
        // the HTTP client and TLS stack it brings (see README, Tests).
        .testTarget(
            name: "WebViewTests",
            dependencies: [
                "WebView",
                "Projections",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: testSettings
        ),
        // Depends on the executable so that `swift test` builds the `sckb` that the CLI tests run, unless the build
        // is given a release binary for them (see `cliTestsBuildSCKB` below).
        .testTarget(
            name: "CommandLineTests",
            dependencies: cliTestsBuildSCKB ? ["Projections", "sckb"] : ["Projections"],
            swiftSettings: testSettings
        ),
    ]
)

// The decoder fuzzer exists only when SCKB_FUZZ is set (`make fuzz`): it links libFuzzer, which comes with
// `-sanitize=fuzzer`, so the normal build and `swift test` never see it. lld links it, since SwiftPM's
// `--defsym main=FuzzDecoder_main` beside libFuzzer's own main trips gold.
if Context.environment["SCKB_FUZZ"] != nil {
    package.products.append(.executable(name: "FuzzDecoder", targets: ["FuzzDecoder"]))
    package.targets += [
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .executableTarget(
            name: "FuzzDecoder",
            dependencies: ["Projections", "EventStore", "CLibFuzzer"],
            path: "Fuzz/FuzzDecoder",
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ),
    ]
}
