import LockProfFormat

/// `LOCKPROF_LEVEL=profile|trace`: the recording level a program starts with, without code.
/// `profile` records into the in-memory profile (served by `LockProfHTTP`); `trace` is what
/// `LOCKPROF_TRACE` alone does, and needs it for the file. Unset: `LOCKPROF_TRACE` decides.
enum EnvironmentLevel {
    /// The level asked for; nil when `LOCKPROF_LEVEL` is unset, empty or `trace` (then
    /// `LOCKPROF_TRACE` decides, as before); an unknown value is reported once and ignored.
    static func requested() -> RecordingLevel? {
        guard let value = CurrentProcess.environmentValue("LOCKPROF_LEVEL"), !value.isEmpty else { return nil }
        guard let level = RecordingLevel(rawValue: value) else {
            try? FileDescriptor.standardError.writeAll("lockprof: LOCKPROF_LEVEL: unknown level '\(value)' (profile or trace); ignored\n")
            return nil
        }
        if level == .trace, CurrentProcess.environmentValue("LOCKPROF_TRACE") == nil {
            try? FileDescriptor.standardError.writeAll("lockprof: LOCKPROF_LEVEL=trace needs LOCKPROF_TRACE=path; not recording\n")
        }
        return level == .profile ? .profile : nil
    }

    /// Starts `level` (`profile`); a `LOCKPROF_TRACE` also set is ignored, with one line saying so.
    static func start(_ level: RecordingLevel) -> Bool {
        if CurrentProcess.environmentValue("LOCKPROF_TRACE") != nil {
            try? FileDescriptor.standardError.writeAll("lockprof: LOCKPROF_LEVEL=profile: LOCKPROF_TRACE ignored (no trace file at this level)\n")
        }
        do {
            try LockProfiler.start(level: level)
            return true
        } catch {
            try? FileDescriptor.standardError.writeAll("lockprof: LOCKPROF_LEVEL: \(error)\n")
            return false
        }
    }
}
