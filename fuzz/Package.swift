// swift-tools-version:6.2
import PackageDescription

// Coverage-guided fuzz targets for libFuzzer. Built and run by `fuzz/run` (see docs/fuzzing.md),
// never by `swift build` at the root: each target's `main` hands its test to libFuzzer's driver.
let package = Package(
    name: "vigil-fuzz",
    dependencies: [.package(name: "vigil", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", .product(name: "VigilCore", package: "vigil")]),
        .executableTarget(name: "FuzzReadings", dependencies: ["FuzzSupport", .product(name: "VigilCore", package: "vigil")]),
        .executableTarget(name: "FuzzFHIR", dependencies: ["FuzzSupport", .product(name: "VigilCore", package: "vigil")]),
        .executableTarget(name: "FuzzHL7", dependencies: ["FuzzSupport", .product(name: "HL7v2", package: "vigil")]),
        .executableTarget(name: "FuzzPCD01", dependencies: ["FuzzSupport", .product(name: "HL7v2", package: "vigil")]),
        .executableTarget(name: "FuzzMQTT", dependencies: ["FuzzSupport", .product(name: "MQTT", package: "vigil")]),
        .executableTarget(name: "FuzzMLLP", dependencies: ["FuzzSupport", .product(name: "MLLP", package: "vigil")]),
    ]
)
