/// A file given to the analysis besides the traces (`lockprof.json`, a baseline report) cannot be
/// used: the file and the one fact to fix. The command-line tool prints `description` as its one
/// error line and exits 2.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
