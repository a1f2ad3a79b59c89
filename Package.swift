// swift-tools-version:5.9
import PackageDescription

// Debian's llvm-dev (LLVM 14). `llvm-config-14 --includedir/--libdir` give these paths.
let llvmInclude = "/usr/lib/llvm-14/include"
let llvmLib = "/usr/lib/llvm-14/lib"

let package = Package(
    name: "mcc",
    products: [
        .executable(name: "mcc", targets: ["mcc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The tensor IR: types, op table, verifier, text format, diagnostics. Depends on nothing.
        .target(name: "MIR"),
        // M source -> MIR.
        .target(name: "MFrontend", dependencies: ["MIR"]),
        // MIR -> MIR passes.
        .target(name: "MPasses", dependencies: ["MIR"]),
        // Leaf shim over the LLVM C API; only MCodegenLLVM sees it.
        .systemLibrary(name: "CLLVM", path: "Sources/CLLVM"),
        .target(
            name: "MCodegenLLVM",
            dependencies: ["MIR", "CLLVM"],
            exclude: ["Runtime"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I", "-Xcc", llvmInclude])],
            linkerSettings: [.unsafeFlags(["-L", llvmLib]), .linkedLibrary("LLVM-14")]
        ),
        // Leaf C facade over Debian's libonnx (C++/protobuf); only MInterop sees it.
        .target(
            name: "CONNX",
            cxxSettings: [.define("ONNX_ML", to: "1"), .define("ONNX_NAMESPACE", to: "onnx")],
            linkerSettings: [.linkedLibrary("onnx"), .linkedLibrary("onnx_proto"), .linkedLibrary("protobuf")]
        ),
        // Weights files (safetensors), later ONNX import and binding generation.
        .target(name: "MInterop", dependencies: ["MIR", "CONNX"]),
        // zlib (Debian's zlib1g-dev) for NPZ and PNG; only MHost sees it.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The compiled libraries' C ABI types (include/mcc.h); functions are looked up with dlsym.
        .systemLibrary(name: "CMccABI", path: "Sources/CMccABI"),
        // `mcc run`: datasets, metrics, the host-code interpreter, compiled models through dlopen.
        .target(
            name: "MHost",
            dependencies: ["MIR", "MFrontend", "MPasses", "MCodegenLLVM", "MInterop", "CZlib", "CMccABI"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I", "-Xcc", llvmInclude])]
        ),
        .executableTarget(
            name: "mcc",
            dependencies: [
                "MIR", "MFrontend", "MPasses", "MCodegenLLVM", "MInterop", "MHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I", "-Xcc", llvmInclude])]
        ),
        .testTarget(name: "MIRTests", dependencies: ["MIR"], resources: [.copy("Inputs")]),
        .testTarget(name: "MFrontendTests", dependencies: ["MFrontend", "MIR"], resources: [.copy("Inputs")]),
        .testTarget(name: "MPassesTests", dependencies: ["MPasses", "MIR"], resources: [.copy("Inputs")]),
        .testTarget(
            name: "MCodegenLLVMTests", dependencies: ["MCodegenLLVM", "MIR"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I", "-Xcc", llvmInclude])]
        ),
        .testTarget(name: "MHostTests", dependencies: ["MHost", "CZlib"]),
        .testTarget(name: "MInteropTests", dependencies: ["MInterop", "MIR"], resources: [.copy("Fixtures")]),
    ]
)
