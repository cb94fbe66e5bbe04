/// SplitMix64: a small, fast, seedable generator with a fixed, documented output sequence.
///
/// Used wherever Geostat needs randomness (k-fold assignment, test data) so that
/// results are identical on every platform and Swift version, unlike
/// `SystemRandomNumberGenerator`.
///
/// - References: G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom
///   number generators", OOPSLA 2014; constants as in Vigna's `splitmix64.c`.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    @inlinable
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal deviate (Box–Muller, using two uniforms per call; deterministic).
    public mutating func nextGaussian() -> Double {
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// A uniform integer in `0..<n` by rejection (no modulo bias); `n > 0`.
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        var r = next()
        while r >= limit { r = next() }
        return Int(r % bound)
    }
}

import Foundation
