/// The estimated mean time a lock is held per acquisition.
///
/// Holds that made someone wait are all timed (`blockingHolds`, `blockingHoldNanoseconds`); of the
/// others, the timed ones are the sample (`sampledHolds`, `sampledHoldNanoseconds`: one
/// uncontended acquisition in 64, and those that began with a wait). The estimate takes the
/// blocking holds exactly and the rest at the sampled mean:
///
///     (blockingHoldNanoseconds + (acquisitions − blockingHolds) × sampledHoldNanoseconds ÷ sampledHolds)
///         ÷ acquisitions
///
/// When no hold was sampled, the unsampled holds cannot be estimated: the result is the blocking
/// mean if every acquisition was a blocking hold, and nil otherwise.
package enum HoldEstimate {
    /// The estimated mean hold in nanoseconds, or nil when there is nothing to estimate from.
    package static func meanNanoseconds(
        acquisitions: UInt64, blockingHolds: UInt64, blockingHoldNanoseconds: UInt64, sampledHolds: UInt64,
        sampledHoldNanoseconds: UInt64
    ) -> UInt64? {
        guard acquisitions > 0 else { return nil }
        let unsampled = acquisitions > blockingHolds ? acquisitions - blockingHolds : 0
        var total = Double(blockingHoldNanoseconds)
        if unsampled > 0 {
            guard sampledHolds > 0 else { return nil }
            total += Double(unsampled) * Double(sampledHoldNanoseconds) / Double(sampledHolds)
        }
        let mean = total / Double(max(acquisitions, blockingHolds))
        return mean >= Double(UInt64.max) ? .max : UInt64(mean.rounded())
    }
}
