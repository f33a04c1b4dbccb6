/// One frame of a reported stack, resolved to the code it belongs to.
public struct FrameReport: Equatable, Sendable {
    /// The demangled function, or `0x<offset>` when the address could not be resolved.
    public var function: String
    /// The source file as recorded (often an absolute path); nil when unknown.
    public var file: String?
    /// The source line; nil when unknown.
    public var line: UInt32?
    /// The basename of the module (executable or shared object); nil when the address fell in none.
    public var module: String?

    public init(function: String, file: String? = nil, line: UInt32? = nil, module: String? = nil) {
        self.function = function
        self.file = file
        self.line = line
        self.module = module
    }

    /// `Type.method(label:) (File.swift:42)`: the readable function name (``FunctionName``) and
    /// the file's basename; just the function when its location is unknown.
    public var shortDescription: String {
        let function = FunctionName.readable(function)
        guard let file else { return function }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        if name.hasPrefix("<") { return function }  // `<compiler-generated>` says nothing
        return line.map { "\(function) (\(name):\($0))" } ?? "\(function) (\(name))"
    }
}
