/// A C library call failed: the `errno` it left, and the system's words for it
/// (`No such file or directory`), which is what messages show.
package struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `errno` value.
    package let code: Int32

    package init(code: Int32) { self.code = code }

    /// `strerror(code)`.
    package var description: String { Posix.describe(code) }

    /// `EEXIST`: a file was to be created where one already is.
    package var isFileExists: Bool { code == Posix.fileExists }
    /// `ELOOP`: the path is a symbolic link that was not to be followed.
    package var isSymbolicLink: Bool { code == Posix.symbolicLinkLoop }

    /// `EIO`: a write took no bytes without saying why.
    static let inputOutput = SystemError(code: Posix.inputOutputError)
}
