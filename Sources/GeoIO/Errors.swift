/// Bad input: a missing file, a file that is not geodata, a value that cannot be used.
///
/// The message says what is wrong and, where possible, what to do. `path` names the
/// file and `location` the row, feature or field, when there is one.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is, for callers that react to it.
    public enum Kind: String, Sendable, Equatable {
        case fileNotFound, notGeodata, missingCompanionFile, truncated, badValue
        case encoding, missingField, unsupported, invalidArgument, outputExists
    }

    public var kind: Kind
    public var path: String?
    public var location: String?
    public var message: String
    /// The library's own messages, when the library noticed the problem first.
    public var libraryMessages: [String]

    public init(_ kind: Kind, path: String?, location: String? = nil, _ message: String, libraryMessages: [String] = []) {
        self.kind = kind
        self.path = path
        self.location = location
        self.message = message
        self.libraryMessages = libraryMessages
    }

    public var description: String {
        var s = ""
        if let path { s += path }
        if let location { s += s.isEmpty ? location : ", \(location)" }
        s += s.isEmpty ? message : ": \(message)"
        if !libraryMessages.isEmpty { s += " [\(libraryMessages.joined(separator: "; "))]" }
        return s
    }
}

/// A failure inside GDAL or PROJ on input that looked valid, carrying the library's messages.
public struct LibraryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Library: String, Sendable, Equatable { case gdal = "GDAL", proj = "PROJ" }

    public var library: Library
    /// The C function that failed, e.g. `GDALCreate`.
    public var function: String
    public var path: String?
    public var messages: [String]

    public init(_ library: Library, function: String, path: String? = nil, messages: [String]) {
        self.library = library
        self.function = function
        self.path = path
        self.messages = messages
    }

    public var description: String {
        var s = "\(library.rawValue) \(function) failed"
        if let path { s += " for \(path)" }
        if !messages.isEmpty { s += ": " + messages.joined(separator: "; ") }
        return s
    }
}
