import Foundation

/// Which compilation of the SIMD kernels (module `GeostatKernels`) runs.
///
/// Both give identical bits (the same IEEE-754 operations in the same order per lane, fused
/// multiply-adds where a kernel asks for them); AVX2 runs twice as many lanes per instruction
/// and has FMA instructions, which the baseline CPU emulates (correctly rounded, slowly).
/// ``KernelSet/detected`` is AVX2 when the CPU and the OS support it, unless the environment
/// variable `SOILMAP_KERNELS=portable` asks otherwise.
public enum KernelSet: String, Sendable, CaseIterable {
    /// The kernels compiled for the build's baseline CPU (SSE2 on x86-64; any other architecture).
    case portable
    /// The kernels compiled with AVX2 and FMA (x86-64 only; Intel Haswell, 2013, AMD Zen,
    /// 2017, and later).
    case avx2

    /// The fastest set this machine supports (read once per process).
    public static let detected: KernelSet = {
        if ProcessInfo.processInfo.environment["SOILMAP_KERNELS"]?.lowercased() == "portable" { return .portable }
        return CPUFeatures.supportsAVX2Kernels ? .avx2 : .portable
    }()

    /// Whether this set can run here (``portable`` always can).
    public var isSupported: Bool { self == .portable || CPUFeatures.supportsAVX2Kernels }
}

/// Run-time CPU checks for the AVX2 compilation of `GeostatKernels`.
enum CPUFeatures {
    /// The instruction-set features LLVM may use with `-target-cpu haswell` in code without
    /// intrinsics, as Linux names them in /proc/cpuinfo (`abm` is LZCNT). Linux lists `avx` and
    /// `avx2` only when the OS saves the AVX registers (XSAVE enabled).
    static let haswellFlags: Set<String> = [
        "avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "abm", "movbe",
        "sse4_2", "sse4_1", "ssse3", "popcnt", "cx16", "pclmulqdq", "xsave",
    ]

    static let supportsAVX2Kernels: Bool = {
        #if arch(x86_64) && os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return hasFlags(cpuinfo: text, haswellFlags)
        #else
        return false  // elsewhere the kernels module is built for the baseline CPU only
        #endif
    }()

    /// Whether the first `flags` line of a /proc/cpuinfo text lists every one of `required`.
    static func hasFlags(cpuinfo: String, _ required: Set<String>) -> Bool {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { return false }
            let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
            return required.isSubset(of: flags)
        }
        return false
    }
}
