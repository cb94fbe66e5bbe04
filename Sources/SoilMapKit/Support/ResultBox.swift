import Foundation
import GeoIO
import GeoTypes
import Standards

/// Slots filled concurrently by index, read after the concurrent section.
final class ResultBox<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); slots[i] = v; lock.unlock() }
    func get(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; return slots[i]! }
}
