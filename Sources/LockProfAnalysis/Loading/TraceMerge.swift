import LockProfFormat

/// Combines the traces of several processes or runs into one trace file (`lockprof merge`):
/// each input's intact records are copied in order, each process after its own `process` record,
/// so every lock, thread and stack keeps its process of origin and its ids (ids are local to a
/// process). ``TraceLoader/loadProcesses(path:progress:)`` splits the file back into its processes.
///
/// What the inputs' readers found (a cut tail, a corrupt chunk) is returned as notes: the merged
/// file holds only the intact chunks, so it no longer shows that damage itself. An input whose
/// `process` record was lost cannot be merged: its records could not be told apart from the
/// previous process's.
public enum TraceMerge {
    /// Writes `inputs` into a new trace at `output` (replaced if it exists) and returns the notes
    /// about damaged inputs.
    public static func merge(_ inputs: [String], into output: String) throws(AnalysisError) -> [ReportNote] {
        guard !inputs.isEmpty else { throw .noTraces }
        let writer: TraceWriter
        do {
            writer = try TraceWriter(path: output, overwrite: true)
        } catch {
            throw .unreadableTrace(error)
        }
        var notes: [ReportNote] = []
        for path in inputs {
            var sawProcess = false
            var failure: TraceError?
            let summary = try TraceLoader.read(path: path) { record in
                guard failure == nil else { return }
                if case .process = record { sawProcess = true }
                guard sawProcess else { return }
                do throws(TraceError) { try writer.append(record) } catch { failure = error }
            }
            if let failure { throw .unreadableTrace(failure) }
            if summary.chunks > 0, !sawProcess { throw .cannotMerge(path: path, reason: "its process record was lost") }
            notes += summary.damage.map { ReportNote.damage($0, path: path) }
            do { try writer.flush() } catch { throw .unreadableTrace(error) }
        }
        do { try writer.close() } catch { throw .unreadableTrace(error) }
        return notes
    }
}
