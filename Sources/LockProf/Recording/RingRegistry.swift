import CLockProfSupport
import Synchronization

/// Every thread's ring, so the collector can drain them. A thread registers once, on its first
/// event (this takes the registry's lock: once per thread, never on the uncontended path); a
/// ring whose thread exited is drained one last time and then dropped.
final class RingRegistry: Sendable {
    static let shared = RingRegistry()

    private struct State {
        var rings: [ThreadRing] = []
        var nextSerial: UInt32 = 1
    }
    private let state = RegistryLock(State(), mutex: LOCKPROF_RING_REGISTRY_MUTEX)

    private init() {
        lockprof_set_thread_exit_callback { raw in
            guard let raw else { return }
            // Balance the retain taken in makeRingForCurrentThread; the registry keeps its own.
            let ring = Unmanaged<ThreadRing>.fromOpaque(raw)
            ring.takeUnretainedValue().exited.store(true, ordering: .releasing)
            ring.release()
        }
    }

    /// Creates and registers the calling thread's ring.
    func makeRingForCurrentThread() -> Unmanaged<ThreadRing> {
        var nameBuffer = [CChar](repeating: 0, count: 64)
        _ = lockprof_thread_name(&nameBuffer, nameBuffer.count)
        let name = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let ring = state.withLock { state in
            let ring = ThreadRing(serial: state.nextSerial, systemThreadID: lockprof_thread_id(), name: name)
            state.nextSerial += 1
            state.rings.append(ring)
            return ring
        }
        let unmanaged = Unmanaged.passRetained(ring)
        lockprof_set_current_ring(unmanaged.toOpaque())
        return unmanaged
    }

    /// The rings registered now, for one collection pass.
    func currentRings() -> [ThreadRing] {
        state.withLock { $0.rings }
    }

    /// In a forked child: forgets every ring but the calling thread's, since the other threads
    /// do not exist in the child. Their rings are not freed (each dead thread's slot still holds
    /// a reference), which costs the child their memory but can never free a ring in use.
    func forgetOtherThreadsAfterFork() {
        let current = lockprof_current_ring()
        state.withLock { $0.rings.removeAll { Unmanaged.passUnretained($0).toOpaque() != current } }
    }

    /// Forgets rings whose threads exited and that were drained after they exited.
    func remove(_ drained: [ThreadRing]) {
        guard !drained.isEmpty else { return }
        let gone = Set(drained.map(ObjectIdentifier.init))
        state.withLock { $0.rings.removeAll { gone.contains(ObjectIdentifier($0)) } }
    }
}
