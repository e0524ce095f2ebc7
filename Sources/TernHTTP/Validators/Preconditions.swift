public import HTTPTypes

/// The outcome of one conditional header field: absent (or to be ignored), passed or failed.
public enum ConditionResult: Sendable, Hashable {
    case absent
    case passed
    case failed
}

/// What a server should do with a request after evaluating its preconditions.
public enum PreconditionDecision: Sendable, Hashable {
    /// Perform the method (and honour `Range`, if any).
    case proceed
    /// Perform the method, but send the whole representation: `If-Range` failed.
    case proceedIgnoringRange
    /// 304 Not Modified (GET and HEAD only).
    case notModified
    /// 412 Precondition Failed.
    case preconditionFailed
}

/// Conditional requests (https://www.rfc-editor.org/rfc/rfc9110#section-13) as pure functions
/// of the request's fields and the selected representation's validators.
///
/// ```swift
/// switch Preconditions.evaluate(method: request.method, fields: request.headerFields,
///                               entityTag: tag, lastModified: modified) {
/// case .notModified: return Response.notModified(from: fields)
/// case .preconditionFailed: throw HTTPError(.preconditionFailed, detail: "the representation has changed")
/// case .proceedIgnoringRange: return fullResponse
/// case .proceed: return rangeOrFullResponse
/// }
/// ```
public enum Preconditions {
    /// Evaluates the preconditions in the order of https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2:
    /// If-Match, else If-Unmodified-Since; then If-None-Match, else If-Modified-Since (GET and
    /// HEAD); then If-Range (GET with Range). `entityTag` and `lastModified` describe the
    /// selected representation; both nil means there is none (`If-Match: *` then fails).
    public static func evaluate(
        method: HTTPRequest.Method, fields: HTTPFields, entityTag: EntityTag?, lastModified: HTTPDate?,
        representationExists: Bool = true
    ) -> PreconditionDecision {
        let present = ConditionalFields(fields)
        guard !present.isEmpty else { return .proceed }
        let current = representationExists ? entityTag : nil
        // Step 1, or step 2 when If-Match is absent.
        var first = present.contains(.ifMatch) ? ifMatch(fields, current: current, exists: representationExists) : .absent
        if first == .absent, present.contains(.ifUnmodifiedSince) {
            first = ifUnmodifiedSince(fields, lastModified: representationExists ? lastModified : nil)
        }
        if first == .failed { return .preconditionFailed }
        // Step 3, or step 4 when If-None-Match is absent.
        let isRead = method == .get || method == .head
        switch present.contains(.ifNoneMatch) ? ifNoneMatch(fields, current: current, exists: representationExists) : .absent {
        case .failed:
            return isRead ? .notModified : .preconditionFailed
        case .passed:
            break
        case .absent:
            if isRead, present.contains(.ifModifiedSince),
                ifModifiedSince(fields, lastModified: representationExists ? lastModified : nil) == .failed {
                return .notModified
            }
        }
        // Step 5.
        if method == .get, present.contains(.ifRange), ifRange(fields, entityTag: current, lastModified: lastModified) == .failed {
            return .proceedIgnoringRange
        }
        return .proceed
    }

    /// Which of the five conditional fields a request has, found in one pass over its fields
    /// instead of a lookup for each (their names all start with `if-`).
    private struct ConditionalFields: OptionSet {
        let rawValue: UInt8
        static let ifMatch = ConditionalFields(rawValue: 1)
        static let ifNoneMatch = ConditionalFields(rawValue: 2)
        static let ifModifiedSince = ConditionalFields(rawValue: 4)
        static let ifUnmodifiedSince = ConditionalFields(rawValue: 8)
        static let ifRange = ConditionalFields(rawValue: 16)

        init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        init(_ fields: HTTPFields) {
            self = []
            for field in fields {
                var name = field.name.canonicalName.utf8.makeIterator()
                guard name.next() == UInt8(ascii: "i"), name.next() == UInt8(ascii: "f"), name.next() == UInt8(ascii: "-") else { continue }
                switch field.name {
                case .ifMatch: insert(.ifMatch)
                case .ifNoneMatch: insert(.ifNoneMatch)
                case .ifModifiedSince: insert(.ifModifiedSince)
                case .ifUnmodifiedSince: insert(.ifUnmodifiedSince)
                case .ifRange: insert(.ifRange)
                default: break
                }
            }
        }
    }

    /// `If-Match` (section 13.1.1): passes when `*` and a representation exists, or a listed
    /// tag matches `current` by strong comparison.
    public static func ifMatch(_ fields: HTTPFields, current: EntityTag?, exists: Bool = true) -> ConditionResult {
        let values = fields[values: .ifMatch]
        guard !values.isEmpty, !EntityTagCondition.isEmptyList(values) else { return .absent }
        let condition = EntityTagCondition(fieldValues: values)
        if condition == .any { return exists ? .passed : .failed }
        return condition.matches(current, strongly: true) ? .passed : .failed
    }

    /// `If-None-Match` (section 13.1.2): fails when `*` and a representation exists, or a listed
    /// tag matches `current` by weak comparison.
    public static func ifNoneMatch(_ fields: HTTPFields, current: EntityTag?, exists: Bool = true) -> ConditionResult {
        // Several field lines are one comma-separated list (RFC 9110 section 5.3).
        guard let value = fields.value(of: .ifNoneMatch) else { return .absent }
        // A cache revalidating sends back the one tag it holds: matched without parsing a list.
        if let current, exists, current.isSpelled(by: value) { return .failed }
        if EntityTagCondition.isEmptyList([value]) { return .absent }
        let condition = EntityTagCondition(fieldValues: [value])
        if condition == .any { return exists ? .failed : .passed }
        return condition.matches(current, strongly: false) ? .failed : .passed
    }

    /// `If-Unmodified-Since` (section 13.1.4): passes when the representation was last modified
    /// at or before the date. Absent when the field is missing, is not one valid HTTP-date, or
    /// there is no modification date.
    public static func ifUnmodifiedSince(_ fields: HTTPFields, lastModified: HTTPDate?) -> ConditionResult {
        guard let date = singleDate(fields, .ifUnmodifiedSince), let lastModified else { return .absent }
        return lastModified <= date ? .passed : .failed
    }

    /// `If-Modified-Since` (section 13.1.3): fails (304) when the representation was last
    /// modified at or before the date. Absent when the field is missing, is not one valid
    /// HTTP-date, or there is no modification date.
    public static func ifModifiedSince(_ fields: HTTPFields, lastModified: HTTPDate?) -> ConditionResult {
        guard let date = singleDate(fields, .ifModifiedSince), let lastModified else { return .absent }
        return lastModified <= date ? .failed : .passed
    }

    /// `If-Range` (section 13.1.5): passes when it holds an entity tag that strongly matches
    /// `entityTag` (a weak tag never does), or a date exactly equal to `lastModified`. Absent
    /// when there is no `Range` or no `If-Range`; an unparsable value fails.
    public static func ifRange(_ fields: HTTPFields, entityTag: EntityTag?, lastModified: HTTPDate?) -> ConditionResult {
        guard fields.contains(.range), let value = fields.value(of: .ifRange) else { return .absent }
        let trimmed = value.trimmingOWS()
        if let tag = EntityTag(parsing: trimmed) {
            guard let entityTag else { return .failed }
            return tag.matchesStrongly(entityTag) ? .passed : .failed
        }
        if let date = HTTPDate(trimmed), let lastModified {
            return date == lastModified ? .passed : .failed
        }
        return .failed
    }

    /// The field's value as one HTTP-date; nil when absent, repeated or invalid.
    private static func singleDate(_ fields: HTTPFields, _ name: HTTPField.Name) -> HTTPDate? {
        let values = fields[values: name]
        guard values.count == 1 else { return nil }
        return HTTPDate(values[0].trimmingOWS())
    }
}
