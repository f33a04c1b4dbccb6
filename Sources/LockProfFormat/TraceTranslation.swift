import Synchronization

/// Files that are not traces but are read as traces, by converting them in memory first: the raw
/// log that liblockprof-preload.so writes when it is loaded directly (`LD_PRELOAD=… LOCKPROF_TRACE=
/// t.%p.bin ./server`, no `lockprof record` parent to convert it when the program ends).
///
/// A kind of file is known by its magic, the bytes it starts with. Whoever can convert one
/// registers a converter (the `lockprof` tool does, for `LPRAWLOG`: the conversion symbolizes,
/// which this module cannot); ``TraceReader`` then reads such a file as the trace the converter
/// returns, so every command that reads traces accepts it as it is.
///
/// ```swift
/// TraceTranslation.register(magic: Array("LPRAWLOG".utf8)) { path, bytes throws(TraceError) in
///     TraceWriter.encode(try convert(bytes, path: path))
/// }
/// ```
public enum TraceTranslation {
    /// Converts the whole file at `path` (its `bytes`) into the bytes of a trace; throws
    /// ``TraceError/cannotConvert(path:reason:)`` when it cannot.
    public typealias Converter = @Sendable (_ path: String, _ bytes: [UInt8]) throws(TraceError) -> [UInt8]

    private static let converters = Mutex<[(magic: [UInt8], convert: Converter)]>([])

    /// Reads files that start with `magic` (or with its first four bytes or more: a header cut
    /// short is the converter's to report) through `convert`.
    public static func register(magic: [UInt8], _ convert: @escaping Converter) {
        converters.withLock { $0.append((magic, convert)) }
    }

    /// The trace bytes of the file at `path` when a registered converter knows it; nil when it is
    /// not of a registered kind (or cannot be opened: the reader says so).
    static func converted(path: String) throws(TraceError) -> [UInt8]? {
        let known = converters.withLock { $0 }
        guard let longest = known.map(\.magic.count).max(), longest > 0,
            let file = try? FileDescriptor.openForReading(path: path), !file.isDirectory
        else { return nil }
        var start = [UInt8](repeating: 0, count: longest)
        let count = (try? start.withUnsafeMutableBytes { try file.read(into: $0) }) ?? 0
        guard count >= min(4, longest),
            let converter = known.first(where: { $0.magic.prefix(count).elementsEqual(start.prefix(min(count, $0.magic.count))) })
        else { return nil }
        let bytes: [UInt8]
        do { bytes = try FileDescriptor.openForReading(path: path).readAll() } catch {
            throw .readFailed(path: path, reason: error.description)
        }
        return try converter.convert(path, bytes)
    }
}
