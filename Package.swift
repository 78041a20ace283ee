// swift-tools-version:6.2
import PackageDescription

// Layering (docs/architecture.md): pure domain at the bottom, storage beside it, the server on top.
//   VigilCore            domain, codes, JSON + FHIR R4 types, store protocols, errors (Foundation only)
//   VigilSQLite          the store protocols on GRDB (embedded default)
//   VigilPostgres        the store protocols on postgres-nio (several nodes on one database)
//   VigilStoreConformance the behaviour every store must show (used by each store's tests)
//   VigilServer          composition root: Hummingbird app, routes, ingest pipeline, auth, audit
//   VigilBench           load generator behind `vigil bench`
//   vigil                the command-line entry point
//   VigilClinical        scores, rules, alert lifecycle, policy: pure, no server imports
//   HL7v2, MQTT, MLLP    the device protocols (pure codecs; MQTT client and MLLP listener on SwiftNIO)
//   VigilSimulator       physiology models, scenarios and a device fleet speaking HTTPS, MQTT and MLLP

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
        .library(name: "VigilServer", targets: ["VigilServer"]),
        // The device protocols, for the fuzz targets in fuzz/.
        .library(name: "HL7v2", targets: ["HL7v2"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .library(name: "MLLP", targets: ["MLLP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-collections.git", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    ],
    targets: [
        .target(name: "VigilCore", swiftSettings: swiftSettings),
        .target(name: "VigilClinical", dependencies: ["VigilCore"], swiftSettings: swiftSettings),
        .target(name: "HL7v2", swiftSettings: swiftSettings),
        .target(
            name: "MQTT",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MLLP",
            dependencies: [
                "HL7v2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilSQLite",
            dependencies: [
                "VigilCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilPostgres",
            dependencies: [
                "VigilCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilStoreConformance",
            dependencies: ["VigilCore"],
            path: "Tests/VigilStoreConformance",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilCore",
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                "VigilClinical",
                "VigilSQLite",
                "VigilPostgres",
                "HL7v2",
                "MLLP",
                "MQTT",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilSimulator",
            dependencies: [
                "VigilCore",
                "HL7v2",
                "MQTT",
                "MLLP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Scenarios")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilBench",
            dependencies: [
                "VigilCore",
                "VigilSimulator",
                "HL7v2",
                "MQTT",
                "MLLP",
                .product(name: "DequeModule", package: "swift-collections"),
                "VigilClinical",
                "VigilSQLite",
                "VigilPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore",
                "VigilClinical",
                "VigilSQLite",
                "VigilPostgres",
                "VigilServer",
                "VigilBench",
                "VigilSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilTestFixtures",
            dependencies: ["VigilCore"],
            path: "Tests/VigilTestFixtures",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilCoreTests",
            dependencies: [
                "VigilCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HL7v2Tests",
            dependencies: ["HL7v2", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MQTTTests",
            dependencies: [
                "MQTT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MLLPTests",
            dependencies: [
                "MLLP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilClinicalTests",
            dependencies: [
                "VigilCore",
                "VigilClinical",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilSimulatorTests",
            dependencies: ["VigilCore", "VigilSimulator", "HL7v2"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilBenchTests",
            dependencies: ["VigilBench", "VigilSimulator", "VigilClinical", "VigilCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilSQLiteTests",
            dependencies: [
                "VigilCore", "VigilSQLite", "VigilStoreConformance",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilPostgresTests",
            dependencies: [
                "VigilCore", "VigilPostgres", "VigilStoreConformance", "VigilBench",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilCore",
                "VigilSQLite",
                "VigilServer",
                "VigilTestFixtures",
                "VigilBench",
                "HL7v2",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilEndToEndTests",
            dependencies: [
                "vigil",
                "VigilSimulator",
                "VigilClinical",
                "HL7v2",
                "MQTT",
                "VigilCore",
                "VigilBench",
                "VigilTestFixtures",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
