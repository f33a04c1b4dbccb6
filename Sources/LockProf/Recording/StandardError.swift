#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a message to standard error in one `write` call: lockprof's only way to tell the user
/// that recording had a problem, without touching the program's own buffered output.
func fputsStandardError(_ message: String) {
    var message = message
    message.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
