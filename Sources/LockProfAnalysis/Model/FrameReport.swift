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

    /// A frame named `function`, with its source position and module when known.
    public init(function: String, file: String? = nil, line: UInt32? = nil, module: String? = nil) {
        self.function = function
        self.file = file
        self.line = line
        self.module = module
    }

    /// `Type.method(label:) (File.swift:42)`: the readable function name (`FunctionName`) and
    /// the file's basename; just the function when its location is unknown.
    public var shortDescription: String {
        let function = FunctionName.readable(function)
        guard let file else { return function }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        // `<compiler-generated>` says nothing; nor does an object file (`Check.swift.o`), which
        // the symbolizer names for merged functions that have no line.
        if name.hasPrefix("<") || name.hasSuffix(".o") { return function }
        return line.map { "\(function) (\(name):\($0))" } ?? "\(function) (\(name))"
    }
}
