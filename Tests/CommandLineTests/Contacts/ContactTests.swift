import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CCG contacts through the built binary: personal data outside the chain, erasable, checked against commitments.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ContactTests {
    /// Leipzig and Sabadell are CCG members; Tartu is registered but not a member.
    static let events: [String] = [
        eventLine("CityRegistered", ["city": "leipzig", "name": "Leipzig", "country": "DE"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "sabadell", "name": "Sabadell", "country": "ES"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "tartu", "name": "Tartu", "country": "EE"], at: "2015-01-01"),
        eventLine("CityJoinedCCG", ["city": "leipzig"], at: "2020-01-01"),
        eventLine("CityJoinedCCG", ["city": "sabadell"], at: "2020-01-01"),
    ]

    static let ana = (name: "Ana Zweibrücken-Example", email: "ana.zweibruecken@leipzig.example", role: "CCG lead")
    static let bob = (name: "Bob Quixotic-Sample", email: "bob.quixotic@sabadell.example")

    /// Runs `body` with a store holding ``events``.
    private func withStore<T>(_ body: (_ folder: String, _ store: String) throws -> T) throws -> T {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            try writeJSONLines(Self.events, to: folder + "/events.jsonl")
            let imported = try runSCKB(["import", folder + "/events.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            return try body(folder, store)
        }
    }

    /// `ccg contact add` for Ana in Leipzig; returns the contact's id.
    @discardableResult
    private func addAna(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let added = try runSCKB(
            [
                "ccg", "contact", "add", "leipzig", "--name", Self.ana.name, "--email", Self.ana.email, "--role",
                Self.ana.role, "--store", store, "--format", "json",
            ]
        )
        try #require(added.status == 0, "\(added.standardError)", sourceLocation: sourceLocation)
        let event = try jsonObject(added.standardOutput)
        let data = try #require(event["data"] as? [String: Any], sourceLocation: sourceLocation)
        return try #require(data["contact"] as? String, sourceLocation: sourceLocation)
    }

    @discardableResult
    private func addBob(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let added = try runSCKB(
            [
                "ccg", "contact", "add", "sabadell", "--name", Self.bob.name, "--email", Self.bob.email,
                "--contact", "sabadell-rep", "--store", store,
            ]
        )
        try #require(added.status == 0, "\(added.standardError)", sourceLocation: sourceLocation)
        return "sabadell-rep"
    }

    /// The entries of `ccg contacts --format json`.
    private func contacts(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]]
    {
        let listed = try auditJSON(["ccg", "contacts", "--store", store], sourceLocation: sourceLocation)
        return try #require(listed["contacts"] as? [[String: Any]], sourceLocation: sourceLocation)
    }

    /// Every regular file under `folder`, recursively, with its bytes.
    private func files(under folder: String) throws -> [(path: String, bytes: [UInt8])] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
        var found: [(String, [UInt8])] = []
        while let relative = enumerator.nextObject() as? String {
            let path = folder + "/" + relative
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
                continue
            }
            found.append((path, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))))
        }
        return found
    }

    /// The files under `folder` that contain `pattern`.
    private func files(under folder: String, containing pattern: [UInt8]) throws -> [String] {
        try files(under: folder).filter { contains($0.bytes, pattern) }.map(\.path)
    }

    private func contains(_ bytes: [UInt8], _ pattern: [UInt8]) -> Bool {
        offsets(of: pattern, in: bytes).first != nil
    }

    private func hexBytes(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count, by: 2).compactMap {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)
        }
    }

    /// The patterns that must not survive an erasure of Ana: her name, e-mail and role, her salt in hex and raw.
    private func anaPatterns(salt: String) -> [String: [UInt8]] {
        [
            "name": Array(Self.ana.name.utf8), "email": Array(Self.ana.email.utf8), "role": Array(Self.ana.role.utf8),
            "salt (hex)": Array(salt.utf8), "salt (bytes)": hexBytes(salt),
        ]
    }

    /// `verify --format json`: exit status and report.
    private func verify(_ store: String, _ extra: [String] = []) throws -> (status: Int32, report: [String: Any]) {
        let result = try runSCKB(["verify", "--store", store, "--format", "json"] + extra)
        return (result.status, try jsonObject(result.standardOutput))
    }

    private func problems(_ report: [String: Any]) -> [String] {
        ((report["problems"] as? [[String: Any]]) ?? []).compactMap { $0["problem"] as? String }
    }

    // MARK: Add, list, forget

    @Test("the contacts table wraps a long name only at spaces and hyphens, and never splits an e-mail address")
    func contactsTableKeepsWordsWhole() throws {
        let name = "Aurelia-Maximiliane Quennell-Ashworth von Hohenzollern-Sigmaringen-Wittelsbach de la Tour"
        let email = "aurelia.quennell-ashworth.hohenzollern@leipzig-stadtverwaltung.example"
        try withStore { _, store in
            let added = try runSCKB(
                ["ccg", "contact", "add", "leipzig", "--name", name, "--email", email, "--role", "Head of European"
                    + " Affairs and Smart City Coordination", "--store", store]
            )
            try #require(added.status == 0, "\(added.standardError)")
            let table = try runSCKB(["ccg", "contacts", "--store", store])
            #expect(table.status == 0)
            // The name had to wrap: more lines than the header and the one contact.
            #expect(table.outputLines.count > 2, "\(table.standardOutput)")
            #expect(table.standardOutput.contains(email), "the e-mail address is split:\n\(table.standardOutput)")
            // Each piece of the name between spaces, or ending at a hyphen, stands whole on some line.
            let pieces = name.split(separator: " ").flatMap { word in
                word.split(separator: "-", omittingEmptySubsequences: false).enumerated().map { index, part in
                    index < word.split(separator: "-").count - 1 ? part + "-" : part
                }
            }
            for piece in pieces {
                #expect(table.standardOutput.contains(piece), "'\(piece)' is split:\n\(table.standardOutput)")
            }
        }
    }

    @Test("add, list and forget: the name, e-mail, role and salt are in the store before forget and in no file after")
    func forgetErasesEveryByte() throws {
        try withStore { _, store in
            let id = try addAna(store)
            #expect(id == "leipzig-contact-1")
            try addBob(store)
            let listed = try contacts(store)
            try #require(listed.count == 2)
            let anaEntry = try #require(listed.first { $0["contact"] as? String == id })
            #expect(anaEntry["name"] as? String == Self.ana.name)
            #expect(anaEntry["email"] as? String == Self.ana.email)
            #expect(anaEntry["role"] as? String == Self.ana.role)
            #expect(anaEntry["city"] as? String == "leipzig")
            #expect(anaEntry["status"] as? String == "held")
            #expect(anaEntry["position"] as? Int == 6)
            let salt = try #require(anaEntry["salt"] as? String)
            #expect(salt.count == 64)

            // The salt is stored in hex; its raw bytes are searched for only after the erasure.
            for (what, pattern) in anaPatterns(salt: salt) where what != "salt (bytes)" {
                #expect(try !files(under: store, containing: pattern).isEmpty, "\(what) not in the store before forget")
            }
            // The log and its export never hold the data.
            #expect(try files(under: store, containing: Array(Self.ana.email.utf8)) == [store + "/contacts/data.mdb"])
            let exportBefore = try exportBytes(store: store)
            #expect(!contains(exportBefore, Array(Self.ana.email.utf8)))
            #expect(!contains(exportBefore, Array(Self.ana.name.utf8)))

            let (statusBefore, reportBefore) = try verify(store)
            #expect(statusBefore == 0, "\(reportBefore)")
            let headBefore = try #require(reportBefore["head"] as? String)
            let eventsBefore = try #require(reportBefore["events"] as? Int)

            let profile = try auditJSON(["city", "leipzig", "--store", store])
            let summary = try #require(profile["contact"] as? [String: Any])
            #expect(summary["held"] as? Bool == true)
            #expect(!String(describing: profile).contains(Self.ana.email))

            let forget = try runSCKB([
                "ccg", "contact", "forget", id, "--reason", "erasure request of 2026-03-01", "--store", store,
            ])
            try #require(forget.status == 0, "\(forget.standardError)")

            for (what, pattern) in anaPatterns(salt: salt) {
                #expect(try files(under: store, containing: pattern) == [], "\(what) survives the erasure")
            }
            // Bob is untouched.
            #expect(try !files(under: store, containing: Array(Self.bob.email.utf8)).isEmpty)
            let after = try contacts(store)
            let erased = try #require(after.first { $0["contact"] as? String == id })
            #expect(erased["status"] as? String == "erased")
            #expect(erased["erased"] as? Int == eventsBefore + 1)
            #expect(erased["name"] is NSNull && erased["email"] is NSNull && erased["salt"] is NSNull)
            #expect(after.first { $0["contact"] as? String == "sabadell-rep" }?["email"] as? String == Self.bob.email)
            let summaryAfter = try auditJSON(["city", "leipzig", "--store", store])["contact"] as? [String: Any]
            #expect(summaryAfter?["held"] as? Bool == false)

            let (statusAfter, reportAfter) = try verify(store, ["--expect", "\(eventsBefore):\(headBefore)"])
            #expect(statusAfter == 0, "\(reportAfter)")
            #expect(reportAfter["events"] as? Int == eventsBefore + 1)
            let exportAfter = try exportBytes(store: store)
            #expect(Array(exportAfter.prefix(exportBefore.count)) == exportBefore)
        }
    }

    @Test("the store's folders and files, the contact store's too, are owner-only")
    func ownerOnlyPermissions() throws {
        try withStore { _, store in
            try addAna(store)
            for path in [store + "/contacts"] + (try files(under: store).map(\.path)) {
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                let mode = try #require(attributes[.posixPermissions] as? Int)
                #expect(mode & 0o077 == 0, "\(path) has mode \(String(mode, radix: 8))")
            }
        }
    }

    // MARK: Verification

    @Test("an e-mail changed directly in the contact store is named by verify, with exit 3")
    func changedEmailIsNamed() throws {
        try withStore { _, store in
            let id = try addAna(store)
            try addBob(store)
            #expect(try verify(store).status == 0)
            let path = store + "/contacts/data.mdb"
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let found = offsets(of: Array(Self.ana.email.utf8), in: bytes)
            try #require(!found.isEmpty)
            for offset in found { bytes[offset] = UInt8(ascii: "x") }  // "ana…" becomes "xna…"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (status, report) = try verify(store)
            #expect(status == 3)
            #expect(report["ok"] as? Bool == false)
            let named = problems(report).filter { $0.contains("'\(id)'") && $0.contains("commitment") }
            #expect(named.count == 1, "\(report)")
            #expect(!problems(report).contains { $0.contains("sabadell-rep") })
            let table = try runSCKB(["verify", "--store", store])
            #expect(table.status == 3)
            #expect(table.errorLines.count == 1)
            #expect(table.standardError.contains(id))
        }
    }

    @Test("the commitment recomputed by the documented Python (hashlib and jcs) matches the log's")
    func commitmentRecomputedInPython() throws {
        try withStore { folder, store in
            let chain = ChainTests()
            try chain.requireJCS()
            try addAna(store)
            try addBob(store)
            let noRole = try runSCKB([
                "ccg", "contact", "add", "leipzig", "--name", "Zoë Ünïcode ⚡", "--email", "zoe@example.org", "--store",
                store,
            ])
            try #require(noRole.status == 0, "\(noRole.standardError)")
            let listing = try runSCKB(["ccg", "contacts", "--store", store, "--format", "json"])
            try Data(listing.outputBytes).write(to: URL(fileURLWithPath: folder + "/contacts.json"))
            try Data(try exportBytes(store: store)).write(to: URL(fileURLWithPath: folder + "/kb.jsonl"))
            let script = try documentedPython()
            let checked = try chain.runPython(["-c", script, folder + "/contacts.json", folder + "/kb.jsonl"])
            #expect(checked.status == 0, "\(checked.standardError)")
            #expect(checked.outputLines.count == 3, "\(checked.standardOutput)")
            #expect(checked.outputLines.allSatisfy { $0.hasPrefix("ok ") })

            // The same script fails when the data is not what was committed to.
            let altered = String(decoding: listing.outputBytes, as: UTF8.self).replacingOccurrences(
                of: Self.bob.email,
                with: "bob@elsewhere.example"
            )
            try Data(altered.utf8).write(to: URL(fileURLWithPath: folder + "/altered.json"))
            let failed = try chain.runPython(["-c", script, folder + "/altered.json", folder + "/kb.jsonl"])
            #expect(failed.status != 0)
            #expect(failed.standardError.contains("sabadell-rep"))
        }
    }

    /// The ```python block of README.md that checks contacts, so that the tested code is the documented code.
    private func documentedPython() throws -> String {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try #require(text.range(of: "python3 check_contacts.py"))
        let start = try #require(
            text.range(of: "```python\n", options: .backwards, range: text.startIndex..<marker.lowerBound)
        )
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        return String(text[start.upperBound..<end.lowerBound])
    }

    // MARK: Crashes between the two commits

    /// The fault rules that make a contact command create `marker` between its two commits and pause there.
    private func pauseBetweenCommits(marker: String) -> [String] {
        ["mark-between-commits=touch:\(marker)", "mark-between-commits=pause"]
    }

    /// Starts `sckb arguments` with the fault switch set to pause between the two commits after creating a marker
    /// in `folder`, waits until it has written the marker (it is then between its two commits), and kills it with
    /// SIGKILL.
    private func killBetweenCommits(_ arguments: [String], folder: String) throws {
        let marker = folder + "/paused"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try sckbBinaryPath())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SCKB_STORE"] = nil
        environment.merge(faultEnvironment(pauseBetweenCommits(marker: marker))) { _, fault in fault }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try #require(waitForFile(marker, madeBy: process, seconds: 30), "the command never reached the pause")
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        try FileManager.default.removeItem(atPath: marker)
    }

    @Test("kill -9 between the contact store's commit and the log's: verify names the orphan, repair removes it")
    func killedAdd() throws {
        try withStore { folder, store in
            try addBob(store)
            let before = try exportBytes(store: store)
            try killBetweenCommits(
                [
                    "ccg", "contact", "add", "leipzig", "--name", Self.ana.name, "--email", Self.ana.email,
                    "--store", store,
                ],
                folder: folder
            )
            // The log did not commit: no event was added.
            #expect(try exportBytes(store: store) == before)
            let (status, report) = try verify(store)
            #expect(status == 3)
            let orphan = problems(report).filter { $0.contains("'leipzig-contact-1'") && $0.contains("not registered") }
            #expect(orphan.count == 1, "\(report)")
            #expect(try contacts(store).count == 1)

            let repair = try auditJSON(["ccg", "contact", "repair", "--store", store])
            #expect(repair["removed"] as? [String] == ["leipzig-contact-1"])
            #expect(try verify(store).status == 0)
            #expect(try files(under: store, containing: Array(Self.ana.email.utf8)) == [])
            #expect(try files(under: store, containing: Array(Self.bob.email.utf8)).count == 1)
            // A second repair finds nothing to do; the add now succeeds.
            #expect(try auditJSON(["ccg", "contact", "repair", "--store", store])["rewritten"] as? Bool == false)
            #expect(try addAna(store) == "leipzig-contact-1")
            #expect(try verify(store).status == 0)
        }
    }

    @Test("kill -9 between the log's ContactErased and the contact store's removal: verify says so, repair erases")
    func killedForget() throws {
        try withStore { folder, store in
            let id = try addAna(store)
            let salt = try #require(try contacts(store).first?["salt"] as? String)
            try killBetweenCommits(
                ["ccg", "contact", "forget", id, "--reason", "erasure request", "--store", store],
                folder: folder
            )
            let (status, report) = try verify(store)
            #expect(status == 3)
            #expect(problems(report).contains { $0.contains("'\(id)'") && $0.contains("still held") }, "\(report)")
            #expect(try contacts(store).first?["status"] as? String == "erased")
            let repair = try auditJSON(["ccg", "contact", "repair", "--store", store])
            #expect(repair["removed"] as? [String] == [id])
            #expect(try verify(store).status == 0)
            for (what, pattern) in anaPatterns(salt: salt) {
                #expect(try files(under: store, containing: pattern) == [], "\(what) survives the repair")
            }
        }
    }

    @Test("the pause between the two commits does nothing without the fault switch's guard")
    func pauseSwitchIsGuarded() throws {
        try withStore { folder, store in
            let marker = folder + "/paused"
            var environment = faultEnvironment(pauseBetweenCommits(marker: marker))
            environment["SCKB_FAULT_GUARD"] = "yes"
            let added = try runSCKB(
                ["ccg", "contact", "add", "leipzig", "--name", "A", "--email", "a@b.example", "--store", store],
                environment: environment
            )
            #expect(added.status == 0)
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    // MARK: Bad input

    static let refusedAdds: [(String, [String])] = [
        ("no such city", ["ccg", "contact", "add", "nowhere", "--name", "A B", "--email", "a@b.example"]),
        ("not a CCG member", ["ccg", "contact", "add", "tartu", "--name", "A B", "--email", "a@b.example"]),
        ("no @", ["ccg", "contact", "add", "leipzig", "--name", "A B", "--email", "ab.example"]),
        ("two @", ["ccg", "contact", "add", "leipzig", "--name", "A B", "--email", "a@b@c.example"]),
        ("no dot in the domain", ["ccg", "contact", "add", "leipzig", "--name", "A B", "--email", "a@localhost"]),
        ("a space", ["ccg", "contact", "add", "leipzig", "--name", "A B", "--email", "a b@c.example"]),
        ("nothing before @", ["ccg", "contact", "add", "leipzig", "--name", "A B", "--email", "@c.example"]),
        (
            "e-mail over 254 bytes",
            [
                "ccg", "contact", "add", "leipzig", "--name", "A B", "--email",
                String(repeating: "a", count: 250) + "@c.example",
            ]
        ),
        (
            "name over 200 characters",
            [
                "ccg", "contact", "add", "leipzig", "--name", String(repeating: "ü", count: 201), "--email",
                "a@b.example",
            ]
        ),
        ("empty name", ["ccg", "contact", "add", "leipzig", "--name", "", "--email", "a@b.example"]),
        (
            "contact id taken",
            [
                "ccg", "contact", "add", "leipzig", "--name", "C D", "--email", "c@d.example", "--contact",
                "sabadell-rep",
            ]
        ),
        ("forget of an unknown contact", ["ccg", "contact", "forget", "nobody", "--reason", "request"]),
        ("forget of an erased contact", ["ccg", "contact", "forget", "gone", "--reason", "request"]),
        (
            "a reason with the name",
            ["ccg", "contact", "forget", "sabadell-rep", "--reason", "asked by \(bob.name.uppercased())"]
        ),
        ("a reason with the e-mail", ["ccg", "contact", "forget", "sabadell-rep", "--reason", "from \(bob.email)"]),
        ("a reason with an address", ["ccg", "contact", "forget", "sabadell-rep", "--reason", "via x@y.example"]),
        ("retraction of a registration", ["append", "EventRetracted", "position=6", "reason=undo"]),
    ]

    @Test("every bad input exits 1 with one line and changes nothing", arguments: 0..<refusedAdds.count)
    func refused(index: Int) throws {
        let (what, arguments) = Self.refusedAdds[index]
        try withStore { _, store in
            try addBob(store)
            let gone = try runSCKB([
                "ccg", "contact", "add", "leipzig", "--name", "Gone Person", "--email", "gone@x.example", "--contact",
                "gone", "--store", store,
            ])
            try #require(gone.status == 0)
            try #require(
                try runSCKB(["ccg", "contact", "forget", "gone", "--reason", "request", "--store", store]).status == 0
            )
            let exportBefore = try exportBytes(store: store)
            let contactsBefore = try runSCKB(["ccg", "contacts", "--store", store, "--format", "json"]).outputBytes
            let dataBefore = try Data(contentsOf: URL(fileURLWithPath: store + "/contacts/data.mdb"))
            let refused = try runSCKB(arguments + ["--store", store])
            #expect(refused.status == 1, "\(what): \(refused.standardError)")
            #expect(refused.errorLines.count == 1, "\(what): \(refused.standardError)")
            #expect(try exportBytes(store: store) == exportBefore, "\(what)")
            #expect(
                try runSCKB(["ccg", "contacts", "--store", store, "--format", "json"]).outputBytes == contactsBefore
            )
            #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/contacts/data.mdb")) == dataBefore, "\(what)")
            #expect(try verify(store).status == 0)
            if what.hasPrefix("a reason") {
                #expect(!refused.standardError.contains(Self.bob.email))
            }
        }
    }

    @Test("a refused add on a store without contacts creates no contact store")
    func refusedAddCreatesNothing() throws {
        try withStore { _, store in
            let refused = try runSCKB([
                "ccg", "contact", "add", "tartu", "--name", "A B", "--email", "a@b.example", "--store", store,
            ])
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("not a CCG member"))
            #expect(!FileManager.default.fileExists(atPath: store + "/contacts"))
        }
    }

    // MARK: Moving contacts

    @Test("contacts move to another store with ccg contacts --format json and ccg contact import, commitments checked")
    func importBetweenStores() throws {
        try withStore { folder, store in
            try addAna(store)
            try addBob(store)
            let listing = try runSCKB(["ccg", "contacts", "--store", store, "--format", "json"])
            try Data(listing.outputBytes).write(to: URL(fileURLWithPath: folder + "/contacts.json"))
            try Data(try exportBytes(store: store)).write(to: URL(fileURLWithPath: folder + "/kb.jsonl"))
            #expect(!contains(try exportBytes(store: store), Array(Self.ana.email.utf8)))

            // A store that has the log but not the data.
            let other = folder + "/other"
            try #require(try runSCKB(["import", folder + "/kb.jsonl", "--store", other]).status == 0)
            #expect(try contacts(other).allSatisfy { $0["status"] as? String == "not-held" })
            #expect(try verify(other).status == 0)

            // Altered data does not give the commitment: refused, nothing written.
            let altered = String(decoding: listing.outputBytes, as: UTF8.self).replacingOccurrences(
                of: Self.ana.email,
                with: "ana@elsewhere.example"
            )
            try Data(altered.utf8).write(to: URL(fileURLWithPath: folder + "/altered.json"))
            let refused = try runSCKB(["ccg", "contact", "import", folder + "/altered.json", "--store", other])
            #expect(refused.status == 1)
            #expect(refused.errorLines.count == 1)
            #expect(refused.standardError.contains("commitment"))
            #expect(!FileManager.default.fileExists(atPath: other + "/contacts"))

            let imported = try auditJSON(["ccg", "contact", "import", folder + "/contacts.json", "--store", other])
            #expect(imported["imported"] as? Int == 2)
            #expect(imported["registered"] as? Int == 0)
            #expect(try contacts(other).allSatisfy { $0["status"] as? String == "held" })
            #expect(try verify(other).status == 0)
            let again = try auditJSON(["ccg", "contact", "import", folder + "/contacts.json", "--store", other])
            #expect(again["imported"] as? Int == 0)
            #expect(again["skipped"] as? Int == 2)

            // An erased contact cannot come back from an old file.
            try #require(
                try runSCKB(["ccg", "contact", "forget", "sabadell-rep", "--reason", "request", "--store", other])
                    .status == 0
            )
            let resurrect = try runSCKB(["ccg", "contact", "import", folder + "/contacts.json", "--store", other])
            #expect(resurrect.status == 1)
            #expect(resurrect.standardError.contains("erased"))
            #expect(try files(under: other, containing: Array(Self.bob.email.utf8)) == [])

            // Into a store whose log does not know them, contacts are registered anew, under the rules.
            let fresh = folder + "/fresh"
            try writeJSONLines(Self.events, to: folder + "/events.jsonl")
            try #require(try runSCKB(["import", folder + "/events.jsonl", "--store", fresh]).status == 0)
            let registered = try auditJSON(["ccg", "contact", "import", folder + "/contacts.json", "--store", fresh])
            #expect(registered["registered"] as? Int == 2)
            #expect(try verify(fresh).status == 0)
            #expect(
                try contacts(fresh).compactMap { $0["email"] as? String }.sorted()
                    == [Self.ana.email, Self.bob.email].sorted()
            )
        }
    }
}
