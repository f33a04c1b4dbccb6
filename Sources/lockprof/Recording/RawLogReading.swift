import LockProfFormat
import Synchronization

/// Lets every command that reads traces (`report`, `check`, `diff`, `merge`, `export`) read the
/// raw log liblockprof-preload.so writes when it is loaded directly (`LD_PRELOAD=…
/// LOCKPROF_TRACE=t.%p.bin ./server`): the log is known by its magic and converted in memory by
/// the converter `lockprof record` uses, symbolized here, against the files the log names.
///
/// A log whose header is cut short cannot be read (one error line, exit 2); a log cut inside a
/// record, or of a process that did not exit, is read up to what is complete, with a note.
enum RawLogReading {
    /// Paths already noted, so a file read twice (the HTML report reads it again) is noted once.
    private static let noted = Mutex<Set<String>>([])

    /// Registers the conversion with ``TraceTranslation``. Called once, before any command runs.
    static func register() {
        TraceTranslation.register(magic: PreloadLog.magic) { path, bytes throws(TraceError) in
            let log: PreloadLog
            do { log = try PreloadLog(bytes: bytes) } catch let failure as PreloadLog.Failure {
                throw .cannotConvert(path: path, reason: failure.description)
            } catch { throw .cannotConvert(path: path, reason: "\(error)") }
            if noted.withLock({ $0.insert(path).inserted }) {
                if let cut = log.cutAtByte {
                    CommandFailure.printError(
                        "lockprof: note: \(path): the raw log ends inside a record at byte \(cut) of \(bytes.count) "
                            + "(the process was killed while writing?): the report holds the records before it")
                } else if log.endNanoseconds == nil {
                    CommandFailure.printError(
                        "lockprof: note: \(path): the process did not exit normally (killed, or still running): "
                            + "the report holds the waits written so far, not its lock counts")
                }
            }
            return PreloadTraceConverter.encode(log).bytes
        }
    }
}
