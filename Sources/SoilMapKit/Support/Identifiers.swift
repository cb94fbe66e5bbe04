/// The first identifier that repeats an earlier one: its position and the earlier one's
/// (sample ids, parcel ids — both must be unique because they key the outputs).
func firstRepeatedIdentifier(_ ids: [String]) -> (again: Int, first: Int)? {
    var seen: [String: Int] = [:]
    for (i, id) in ids.enumerated() {
        if let j = seen[id] { return (i, j) }
        seen[id] = i
    }
    return nil
}
