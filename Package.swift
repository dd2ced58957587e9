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
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
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
        // The web back office: a Hummingbird application over the domain.
        .target(
            name: "CarteroWeb",
            dependencies: [
                "Cartero",
                "PQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                // Uploads (scans, photos, the courier's file) arrive as multipart/form-data.
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "cartero",
            dependencies: [
                "Cartero",
                "CarteroSample",
                "CarteroWeb",
                "PQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
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
        .testTarget(
            name: "CarteroTests",
            dependencies: [
                "Cartero", "PQ", "CarteroTesting",
                // Hostile files: random edits of valid ones, fed to every importer.
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "CarteroWebTests",
            dependencies: [
                "CarteroWeb", "Cartero", "PQ", "CarteroTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
