// swift-tools-version:6.0
// neos-swift: a native, differentiable HistFactory / neos engine.
//
// Targets:
//   NeosCore  all numerics, pure Swift (no C types in its API, no Foundation)
//   CNeos     the C module over include/neos.h (symlinked), so the ABI layer is checked against the header
//   Neos      the C ABI (`@c @implementation`), shipped as libneos.so
//   NeosCLI   the native `neos` command (pyhf's command line and `neos train`, swift-argument-parser), built as
//             neos-cli and installed as .venv/bin/neos
//   NeosCoreBench  timings of the model's hot paths (benchmarks/swift), run as `swift run -c release neos-core-bench`
//   NeosKernelsAVX2, NeosKernelsAVX512  (x86-64 only) the binned KDE's SIMD loop again (symlinks to NeosCore's
//                  files), compiled for Haswell (AVX2) and Skylake-AVX512 with NEOS_FMA (fused multiply-adds);
//                  NeosCore runs the widest one /proc/cpuinfo allows
import PackageDescription

#if arch(x86_64)
    let kernelTargets: [Target] = [
        .target(
            name: "NeosKernelsAVX2",
            swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"]), .define("NEOS_FMA")]),
        .target(
            name: "NeosKernelsAVX512",
            swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("NEOS_FMA")]),
    ]
    let kernelDependencies: [Target.Dependency] = ["NeosKernelsAVX2", "NeosKernelsAVX512"]
#else
    let kernelTargets: [Target] = []
    let kernelDependencies: [Target.Dependency] = []
#endif

let package = Package(
    name: "neos-swift",
    products: [
        .library(name: "neos", type: .dynamic, targets: ["Neos"]),
        .library(name: "NeosCore", targets: ["NeosCore"]),
        .executable(name: "neos-cli", targets: ["NeosCLI"]),
        .executable(name: "neos-core-bench", targets: ["NeosCoreBench"]),
    ],
    dependencies: [
        // Only the `neos` command uses it; libneos and NeosCore depend on nothing outside the toolchain.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // BLAS/LAPACK are resolved at run time (Sources/NeosCore/Math/BLAS.swift): nothing is linked for them.
        .target(name: "NeosCore", dependencies: kernelDependencies),
        .executableTarget(
            name: "NeosCLI",
            dependencies: [
                "NeosCore", "CNeos", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "NeosCoreBench", dependencies: ["NeosCore"], path: "benchmarks/swift/NeosCoreBench"),
        .target(name: "CNeos"),
        .target(name: "Neos", dependencies: ["NeosCore", "CNeos"]),
        // The reference JSON files are read from the source tree by path; they are not bundle resources.
        .testTarget(
            name: "NeosCoreTests", dependencies: ["NeosCore"],
            exclude: ["HistFactory/Resources", "HistFactory/make_pyhf_reference.py", "Inference/Resources"]),
        .testTarget(name: "NeosABITests", dependencies: ["Neos", "CNeos", "NeosCore"]),
    ] + kernelTargets
)
