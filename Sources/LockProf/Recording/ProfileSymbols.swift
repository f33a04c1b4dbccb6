import CLockProfSupport
import LockProfFormat
import LockProfPprof
import Synchronization

/// Symbols of the live profile's frames, resolved in this process the first time a profile names
/// them and kept for the process's life: one `llvm-symbolizer` run per batch of new addresses
/// (``Symbolizer``, dynamic symbols when there is none), never on a lock's path.
final class ProfileSymbols: Sendable {
    static let shared = ProfileSymbols()

    private let resolved = Mutex<[UInt64: PprofProfile.Frame]>([:])
    /// The basename of each resolved address's module (absent when it fell in none).
    private let modules = Mutex<[UInt64: String]>([:])
    /// Whole stacks, symbolized and trimmed, by stack hash: a stack's frames never change.
    private let stacks = Mutex<[UInt64: [PprofProfile.Frame]]>([:])

    /// The symbolized frames of each stack hash that `table` has frames for, after `trim`, which
    /// sees each frame with the basename of its module.
    func frames(
        ofStacks hashes: Set<UInt64>, in table: ProfileStackTable, trim: ([ModuleFrame]) -> [PprofProfile.Frame]
    ) -> [UInt64: [PprofProfile.Frame]] {
        var result = stacks.withLock { known in
            var found: [UInt64: [PprofProfile.Frame]] = [:]
            for hash in hashes { if let frames = known[hash] { found[hash] = frames } }
            return found
        }
        var addresses: [UInt64: [UInt64]] = [:]
        for hash in hashes where result[hash] == nil {
            if let stack = table.addresses(of: hash) { addresses[hash] = stack }
        }
        guard !addresses.isEmpty else { return result }
        let symbols = frames(of: Set(addresses.values.joined()))
        let moduleNames = modules.withLock { $0 }
        var fresh: [UInt64: [PprofProfile.Frame]] = [:]
        for (hash, stack) in addresses {
            fresh[hash] = trim(
                stack.compactMap { address in symbols[address].map { ModuleFrame(frame: $0, module: moduleNames[address]) } })
        }
        stacks.withLock { $0.merge(fresh) { old, _ in old } }
        result.merge(fresh) { old, _ in old }
        return result
    }

    /// The frame of each return address, in order.
    func frames(of addresses: Set<UInt64>) -> [UInt64: PprofProfile.Frame] {
        let missing = resolved.withLock { known in addresses.filter { known[$0] == nil } }
        if !missing.isEmpty {
            let (fresh, freshModules) = Self.symbolize(Array(missing))
            modules.withLock { $0.merge(freshModules) { old, _ in old } }
            resolved.withLock { $0.merge(fresh) { old, _ in old } }
        }
        return resolved.withLock { known in
            Dictionary(uniqueKeysWithValues: addresses.compactMap { address in known[address].map { (address, $0) } })
        }
    }

    /// A symbolized frame and the basename of its module (nil when the address fell in none).
    struct ModuleFrame {
        var frame: PprofProfile.Frame
        var module: String?
    }

    private static func symbolize(_ addresses: [UInt64]) -> (frames: [UInt64: PprofProfile.Frame], modules: [UInt64: String]) {
        var moduleIDs: [String: UInt32] = [:]
        var modules: [UInt32: ModuleRecord] = [:]
        var byFrame: [Frame: [UInt64]] = [:]
        var pathBuffer = [CChar](repeating: 0, count: 4096)
        var result: [UInt64: PprofProfile.Frame] = [:]
        var moduleOf: [UInt64: String] = [:]
        for address in addresses {
            var bias: UInt64 = 0
            guard lockprof_module_of(address, &bias, &pathBuffer, pathBuffer.count) == 0 else {
                result[address] = PprofProfile.Frame(function: unknownName(address), address: address)
                continue
            }
            let path = TraceCollector.string(pathBuffer)
            moduleOf[address] = path.split(separator: "/").last.map(String.init) ?? path
            let moduleID = moduleIDs[path] ?? UInt32(moduleIDs.count + 1)
            if moduleIDs[path] == nil {
                moduleIDs[path] = moduleID
                modules[moduleID] = ModuleRecord(moduleID: moduleID, path: path, baseAddress: bias)
            }
            byFrame[Frame(moduleID: moduleID, offset: address &- bias), default: []].append(address)
        }
        for symbol in SessionSymbolizer.symbolize(frames: Array(byFrame.keys), modules: modules) {
            for address in byFrame[symbol.frame] ?? [] {
                // No file rather than llvm-symbolizer's guess for a module without debug
                // information (SymbolRecord.knownFile), as the report prints it.
                result[address] = PprofProfile.Frame(
                    function: symbol.function, file: symbol.knownFile ?? "", line: symbol.knownLine ?? 0, address: address)
            }
        }
        for address in addresses where result[address] == nil {
            result[address] = PprofProfile.Frame(function: unknownName(address), address: address)
        }
        return (result, moduleOf)
    }

    private static func unknownName(_ address: UInt64) -> String { "0x" + String(address, radix: 16) }
}
