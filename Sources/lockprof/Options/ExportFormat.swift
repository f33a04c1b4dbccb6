import ArgumentParser
import LockProfAnalysis

/// The formats of `export`: pprof's profile.proto, folded stacks, Chrome trace events.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case pprof
    case folded
    case chrome
}

extension StackSide: ExpressibleByArgument {}
