import Foundation
import GeoIO
import Geostat
import Zonal

/// Wall-clock time of consecutive stages (monotonic clock).
struct StageClock {
    private var start = DispatchTime.now().uptimeNanoseconds
    var laps: [(stage: String, seconds: Double)] = []
    /// Records the time since the previous lap (or the start) as `stage`.
    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - start) / 1e9))
        start = now
    }
    /// Restarts the current lap (after stages timed elsewhere).
    mutating func reset() { start = DispatchTime.now().uptimeNanoseconds }
}
