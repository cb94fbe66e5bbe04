import Foundation

/// Reference fixtures used by several test targets, kept once in this target's bundle
/// (`Tests/TestSupport/Fixtures`; nothing is read from the repository or shared/ at run time).
public enum SharedFixtures {
    /// The path of `relativePath` (e.g. `meuse/meuse.csv`) among the shared fixtures.
    public static func path(_ relativePath: String) -> String {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("the TestSupport bundle has no Fixtures folder")
        }
        return root.appendingPathComponent(relativePath).path
    }

    /// Whether a shared fixture exists.
    public static func exists(_ relativePath: String) -> Bool { FileManager.default.fileExists(atPath: path(relativePath)) }
}
