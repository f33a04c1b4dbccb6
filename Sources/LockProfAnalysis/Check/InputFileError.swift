/// A file given to the analysis besides the traces (`lockprof.json`, a baseline report) cannot be
/// used: the file and the one fact to fix. The command-line tool prints `description` as its one
/// error line and exits 2.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong with it, in one clause.
    public var message: String

    /// An error about the file at `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
