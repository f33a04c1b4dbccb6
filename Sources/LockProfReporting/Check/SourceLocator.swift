import LockProfAnalysis

/// Turns what a report knows about where a lock lives into file paths a CI system can point at:
/// the lock's creation site (`Module/File.swift:42`, as `#fileID` writes it) and the top frame
/// of its heaviest holder stack (an absolute path from debug information).
///
/// A creation site names only module and file; the locator finds the full path among the files
/// the report's stacks mention (`…/Module/…/File.swift`). Paths under `root` (usually the
/// checkout, the current directory in CI) are made relative to it, as GitHub annotations need.
package struct SourceLocator: Sendable {
    /// A file and, when known, a line.
    package struct Location: Equatable, Sendable {
        /// The path, relative to the root when under it.
        package var file: String
        /// The line; nil when unknown.
        package var line: UInt32?

        /// A location in `file` at `line`.
        package init(file: String, line: UInt32?) {
            self.file = file
            self.line = line
        }
    }

    private let root: String?
    private let knownFiles: [String]

    /// `root`: the directory paths are made relative to; nil keeps them as recorded.
    package init(report: ContentionReport, root: String?) {
        self.root = root.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        var files: Set<String> = []
        for lock in report.locks {
            for stack in lock.holderStacks + lock.waiterStacks {
                for frame in stack.frames { if let file = frame.file, file.hasPrefix("/") { files.insert(file) } }
            }
        }
        knownFiles = files.sorted()
    }

    /// Where the lock was created; nil when the trace does not say.
    package func creationSite(of lock: LockReport) -> Location? {
        guard let colon = lock.site.lastIndex(of: ":"), !lock.site.isEmpty else {
            return lock.site.isEmpty ? nil : Location(file: lock.site, line: nil)
        }
        let fileID = String(lock.site[..<colon])
        let line = UInt32(lock.site[lock.site.index(after: colon)...])
        let parts = fileID.split(separator: "/")
        guard let module = parts.first, let name = parts.last, parts.count >= 2 else { return Location(file: fileID, line: line) }
        let full = knownFiles.first { $0.hasSuffix("/" + name) && $0.contains("/\(module)/") }
        return Location(file: relative(full ?? fileID), line: line)
    }

    /// The innermost user frame of the lock's heaviest holder stack that has a file; nil when
    /// no holder stack was captured.
    package func holderTopFrame(of lock: LockReport) -> Location? {
        for stack in lock.holderStacks {
            if let frame = stack.frames.first(where: { $0.file?.hasPrefix("/") == true }), let file = frame.file {
                return Location(file: relative(file), line: frame.line)
            }
        }
        return nil
    }

    private func relative(_ path: String) -> String {
        guard let root, path.hasPrefix(root + "/") else { return path }
        return String(path.dropFirst(root.count + 1))
    }
}
