/// A first-in first-out queue that reuses its storage: a connection's steps awaiting results,
/// a pool's waiters. Removing from the front is O(1).
struct StepQueue<Element> {
    private var elements: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == elements.count }
    var count: Int { elements.count - head }
    var first: Element? { isEmpty ? nil : elements[head] }

    mutating func append(_ element: Element) {
        elements.append(element)
    }

    mutating func removeFirst() -> Element {
        let element = elements[head]!
        elements[head] = nil
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Empties the queue and returns what it held, first first.
    mutating func removeAll() -> [Element] {
        let all = elements[head...].map { $0! }
        elements.removeAll(keepingCapacity: true)
        head = 0
        return all
    }
}
