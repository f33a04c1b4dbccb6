/// Joins stacks that a reader cannot tell apart: same functions, files and lines, different
/// return addresses (two call sites on one line, or one inlined function at two addresses).
/// The report lists each such group once, with the weights, counts and releases added up.
package enum StackMerging {
    /// `stacks` with those that print identically merged into the first of them, heaviest first.
    package static func merge(_ stacks: [StackReport]) -> [StackReport] {
        var merged: [StackReport] = []
        var indexByFrames: [[String]: Int] = [:]
        for stack in stacks {
            let key = stack.frames.map { "\($0.function)\u{0}\($0.file ?? "")\u{0}\($0.line.map(String.init) ?? "")" }
            guard !key.isEmpty, let index = indexByFrames[key] else {
                if !key.isEmpty { indexByFrames[key] = merged.count }
                merged.append(stack)
                continue
            }
            merged[index] = joined(merged[index], stack)
        }
        return merged.sorted { $0.weightNanoseconds != $1.weightNanoseconds ? $0.weightNanoseconds > $1.weightNanoseconds : $0.stackID < $1.stackID }
    }

    /// Two stacks' figures added up, under the first one's id and frames.
    static func joined(_ a: StackReport, _ b: StackReport) -> StackReport {
        var result = a
        result.weightNanoseconds = a.weightNanoseconds.addingClamped(b.weightNanoseconds)
        result.count = a.count + b.count
        result.share = a.share + b.share
        if a.releases != nil || b.releases != nil {
            let releases = (a.releases ?? 0) + (b.releases ?? 0)
            let held = Double(a.releases ?? 0) * Double(a.meanHoldNanoseconds ?? 0) + Double(b.releases ?? 0) * Double(b.meanHoldNanoseconds ?? 0)
            result.releases = releases
            result.meanHoldNanoseconds = releases > 0 ? UInt64(held / Double(releases)) : nil
        }
        return result
    }
}
