// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cartero",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cartero", targets: ["cartero"]),
        .library(name: "PQ", targets: ["PQ"]),
        .library(name: "Cartero", targets: ["Cartero"]),
        .library(name: "CarteroSample", targets: ["CarteroSample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Letters are drawn with cairo and laid out with pango (docs/pdf-library.md).
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev"])]
        ),
        .target(
            name: "PQ",
            dependencies: ["CLibPQ"]
        ),
        .target(
            name: "Cartero",
            dependencies: [
                "PQ",
                "CPangoCairo",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
        ),
        .target(
            name: "CarteroSample",
            dependencies: ["Cartero", "PQ"]
        ),
        .executableTarget(
            name: "cartero",
            dependencies: [
                "Cartero",
                "CarteroSample",
                "PQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "cartero-bench",
            dependencies: ["PQ"]
        ),
        .target(
            name: "CarteroTesting",
            dependencies: ["PQ"]
        ),
        .testTarget(name: "PQTests", dependencies: ["PQ", "CarteroTesting"]),
        .testTarget(name: "CarteroTests", dependencies: ["Cartero", "PQ", "CarteroTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
