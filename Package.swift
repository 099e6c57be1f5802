// swift-tools-version:6.0
// neos-swift: a native, differentiable HistFactory / neos engine.
//
// Targets:
//   NeosCore  all numerics, pure Swift (no C types, no Foundation)
//   CNeos     the C module over include/neos.h (symlinked), so the ABI layer is checked against the header
//   Neos      the C ABI (`@c @implementation`), shipped as libneos.so
import PackageDescription

let package = Package(
    name: "neos-swift",
    products: [
        .library(name: "neos", type: .dynamic, targets: ["Neos"]),
        .library(name: "NeosCore", targets: ["NeosCore"]),
    ],
    targets: [
        .target(name: "NeosCore"),
        .target(name: "CNeos"),
        .target(name: "Neos", dependencies: ["NeosCore", "CNeos"]),
        .testTarget(name: "NeosCoreTests", dependencies: ["NeosCore"]),
        .testTarget(name: "NeosABITests", dependencies: ["Neos", "CNeos", "NeosCore"]),
    ]
)
