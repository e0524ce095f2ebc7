public import HTTPTypes
public import TernHTTP

/// Bodies that `Response(negotiating:...)` rendered, kept by request target and strong
/// entity tag so that a resource read again before it changes is not rendered again; with
/// each, the header fields negotiation made for it (content type, `Vary`, `ETag`,
/// `Last-Modified` and the caller's), reused while the caller's fields and `Last-Modified`
/// are the same.
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

    /// A body and the fields made for it, with what the fields were made from.
    @usableFromInline
    struct Rendering: Sendable {
        @usableFromInline let body: [UInt8]
        @usableFromInline let fields: HTTPFields
        let callerFields: HTTPFields
        let lastModified: HTTPDate?

        /// Whether `fields` were made from these. The caller's fields are compared as
        /// `HTTPFields` compares them: the same fields of each name in the same order, fields of
        /// different names in any order (RFC 9110 section 5.3: that order carries no meaning).
        func fieldsMade(from callerFields: HTTPFields, lastModified: HTTPDate?) -> Bool {
            lastModified == self.lastModified && callerFields == self.callerFields
        }
    }

    private struct Generations {
        var newer: [Key: Rendering] = [:]
        var older: [Key: Rendering] = [:]

        /// Keeps `rendering` in the newer generation, which becomes the older one when half full.
        mutating func keep(_ rendering: Rendering, for key: Key, capacity: Int) {
            if newer.count >= capacity / 2 {
                older = newer
                newer = [:]
            }
            newer[key] = rendering
        }
    }

    /// Up to `capacity` bodies (at least two) of up to `maximumBodySize` bytes.
    public init(capacity: Int = 1024, maximumBodySize: Int = 64 * 1024) {
        self.capacity = max(2, capacity)
        self.maximumBodySize = maximumBodySize
    }

    /// The body kept for `target` and the strong tag `tag` (as `ETag` writes it), else what
    /// `render` returns, kept when it is small enough; and the fields kept with it when they
    /// were made from `callerFields` and `lastModified`, else what `makeFields` returns.
    @usableFromInline
    func rendering(
        target: String, tag: String, callerFields: HTTPFields, lastModified: HTTPDate?,
        makeFields: () -> HTTPFields, render: () throws -> [UInt8]
    ) rethrows -> Rendering {
        let key = Key(target: target, tag: tag)
        let last = Self.last.object(orMake: LastRendering.init)
        let found: Rendering?
        if last.owner === self, last.key == key, let rendering = last.rendering {
            if rendering.fieldsMade(from: callerFields, lastModified: lastModified) { return rendering }
            found = rendering
        } else {
            found = state.withLock { generations -> Rendering? in
                if let rendering = generations.newer[key] { return rendering }
                guard let rendering = generations.older.removeValue(forKey: key) else { return nil }
                generations.keep(rendering, for: key, capacity: capacity)
                return rendering
            }
            if let found, found.fieldsMade(from: callerFields, lastModified: lastModified) {
                last.remember(found, for: key, in: self)
                return found
            }
        }
        let body = try found?.body ?? render()
        let rendering = Rendering(body: body, fields: makeFields(), callerFields: callerFields, lastModified: lastModified)
        if body.count <= maximumBodySize {
            state.withLock { $0.keep(rendering, for: key, capacity: capacity) }
            last.remember(rendering, for: key, in: self)
        }
        return rendering
    }

    /// The rendering each thread found or kept last, and for which key of which `RenderedBodies`:
    /// a resource read again and again is answered without the lock and without hashing its
    /// key. Sound for the reason the table is (a strong tag names one body). It holds its
    /// `RenderedBodies`, so another one made later at the same address is not mistaken for it.
    private final class LastRendering {
        private(set) var owner: RenderedBodies?
        private(set) var key = Key(target: "", tag: "")
        private(set) var rendering: Rendering?

        func remember(_ rendering: Rendering, for key: Key, in owner: RenderedBodies) {
            (self.owner, self.key, self.rendering) = (owner, key, rendering)
        }
    }

    private static let last = ThreadSlot()

    /// How many bodies are kept, for tests.
    var count: Int {
        state.withLock { $0.newer.count + $0.older.count }
    }
}
