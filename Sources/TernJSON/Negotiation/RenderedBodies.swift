import TernHTTP

/// Bodies that `Response(negotiating:...)` rendered, kept by request target and strong
/// entity tag so that a resource read again before it changes is not rendered again.
///
/// Sound because a strong validator names one sequence of bytes: it changes whenever the
/// representation's data does, and representations of one resource have different tags
/// (https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3). The tag must therefore be the
/// resource's real validator (a version or a digest of what is rendered), never a value that
/// stays the same while the body changes; weak tags and responses without one are always
/// rendered. The key is the request target with its query, so two resources that happen to
/// share a tag never share a body.
///
/// Bounded: up to `capacity` bodies of at most `maximumBodySize` bytes each. It keeps two
/// generations; when the newer one holds half the capacity, the older is dropped and the
/// newer takes its place, so bodies read recently stay and the others age out.
///
/// ```swift
/// let bodies = RenderedBodies()
/// return try Response(negotiating: user, for: request, representations: [.json, .xml(root: "user")],
///                     entityTag: user.entityTag, reusing: bodies)
/// ```
public final class RenderedBodies: Sendable {
    /// The most bodies kept.
    public let capacity: Int
    /// Larger bodies are rendered every time: memory for them is better spent elsewhere.
    public let maximumBodySize: Int
    private let state = Locked(Generations())

    private struct Key: Hashable {
        let target: String
        let tag: String
    }

    private struct Generations {
        var newer: [Key: [UInt8]] = [:]
        var older: [Key: [UInt8]] = [:]

        /// Keeps `body` in the newer generation, which becomes the older one when half full.
        mutating func keep(_ body: [UInt8], for key: Key, capacity: Int) {
            if newer.count >= capacity / 2 {
                older = newer
                newer = [:]
            }
            newer[key] = body
        }
    }

    /// Up to `capacity` bodies (at least two) of up to `maximumBodySize` bytes.
    public init(capacity: Int = 1024, maximumBodySize: Int = 64 * 1024) {
        self.capacity = max(2, capacity)
        self.maximumBodySize = maximumBodySize
    }

    /// The body kept for `target` and the strong tag `tag` (as `ETag` writes it), else what
    /// `render` returns, kept when it is small enough.
    @usableFromInline
    func body(target: String, tag: String, render: () throws -> [UInt8]) rethrows -> [UInt8] {
        let key = Key(target: target, tag: tag)
        let found = state.withLock { generations -> [UInt8]? in
            if let body = generations.newer[key] { return body }
            guard let body = generations.older.removeValue(forKey: key) else { return nil }
            generations.keep(body, for: key, capacity: capacity)
            return body
        }
        if let found { return found }
        let body = try render()
        if body.count <= maximumBodySize {
            state.withLock { $0.keep(body, for: key, capacity: capacity) }
        }
        return body
    }

    /// How many bodies are kept, for tests.
    var count: Int {
        state.withLock { $0.newer.count + $0.older.count }
    }
}
