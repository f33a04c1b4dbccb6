// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lockprof",
    products: [
        .library(name: "LockProfFormat", targets: ["LockProfFormat"]),
    ],
    targets: [
        .target(name: "LockProfFormat"),
        .testTarget(name: "LockProfFormatTests", dependencies: ["LockProfFormat"]),
    ]
)
