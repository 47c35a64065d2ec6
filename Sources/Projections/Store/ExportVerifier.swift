import EventStore

/// Checks an export on its own, without a store: positions 1…N in order, and every hash recomputed from the
/// line's canonical (RFC 8785) bytes without `hash`, chained from 32 zero bytes.
public enum ExportVerifier {
    /// Verifies the export at `path`; throws ``InputError`` when the file cannot be read or a line parsed.
    public static func verify(path: String, expecting expected: [ExpectedHash] = []) throws -> VerificationReport {
        let reader = try LineReader(path: path)
        var problems: [VerificationProblem] = []
        var previous = SHA256Digest.zero
        var expectedPosition = Position.first
        var events = 0
        var seen: [Position: SHA256Digest] = [:]
        let wanted = Set(expected.map(\.position))
        while try reader.nextLine({ line in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            let location = "\(path):\(reader.lineNumber)"
            let json: JSONValue
            do {
                json = try JSONParser.parse(line)
            } catch {
                throw InputError("not valid JSON: \(error)", at: location)
            }
            guard case .object(var object) = json else {
                throw InputError("an event must be a JSON object", at: location)
            }
            guard let hashText = object["hash"]?.stringValue, let stated = SHA256Digest(hex: hashText) else {
                throw InputError("the line has no hash (is it an export?)", at: location)
            }
            guard let number = object["position"]?.numberValue?.integerValue, number >= 1 else {
                throw InputError("the line has no position (is it an export?)", at: location)
            }
            let position = Position(UInt64(number))
            events += 1
            object["hash"] = nil
            let computed = EventLog.chainHash(after: previous, CanonicalJSON.bytes(of: .object(object)))
            if position != expectedPosition {
                problems.append(
                    VerificationProblem(
                        position: expectedPosition,
                        problem: "line \(reader.lineNumber) holds position \(position), expected \(expectedPosition)"
                    )
                )
            } else if computed != stated {
                problems.append(
                    VerificationProblem(
                        position: position,
                        problem:
                            "hash mismatch: the line says \(stated.hex), its content and the previous hash give \(computed.hex)"
                    )
                )
            }
            if wanted.contains(position) { seen[position] = stated }
            // Resynchronize on the line's own position, so one deleted or moved line is reported once.
            expectedPosition = position.next
            previous = stated
        }) {}
        for expectation in expected where seen[expectation.position] != expectation.hash {
            problems.append(
                VerificationProblem(
                    position: expectation.position,
                    problem: seen[expectation.position].map { "expected hash \(expectation.hash.hex), found \($0.hex)" }
                        ?? "expected hash \(expectation.hash.hex), but the export has no such position"
                )
            )
        }
        return VerificationReport(
            events: events,
            head: events > 0 ? previous : nil,
            problems: problems.sorted { $0.position < $1.position }
        )
    }
}
