// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

let package = Package(
    name: "sckb",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sckb", targets: ["sckb"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(
            name: "EventStore",
            dependencies: ["CLMDB"],
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
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["Projections"]
        ),
    ]
)
