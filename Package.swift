// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
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
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EventStoreTests",
            dependencies: ["EventStore"]
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections"]
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
            ]
        ),
        // Depends on the executable so that `swift test` builds the `sckb` that the CLI tests run, unless the build
        // is given a release binary for them (see `cliTestsBuildSCKB` below).
        .testTarget(
            name: "CommandLineTests",
            dependencies: cliTestsBuildSCKB ? ["Projections", "sckb"] : ["Projections"]
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
