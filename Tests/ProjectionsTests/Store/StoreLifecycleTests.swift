import Foundation
import Testing

@testable import Projections

/// `KnowledgeBase.writing(toStoreAt:)`: a store created for a write that is refused leaves nothing behind; a store
/// that existed, or one that holds events, stays.
@Suite struct StoreLifecycleTests {
    struct Refused: Error {}

    static let city = #"{"type":"CityRegistered","data":{"city":"leipzig","name":"Leipzig","country":"DE"}}"#

    func withFolder<T>(_ body: (String) throws -> T) throws -> T {
        let folder = NSTemporaryDirectory() + "sckb-lifecycle-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func event() throws -> Event { try Event(json: JSONParser.parse(Array(Self.city.utf8))) }

    @Test("a store created for a refused first write is removed, with every folder made for it")
    func createdStoreRemoved() throws {
        try withFolder { folder in
            #expect(throws: Refused.self) {
                try KnowledgeBase.writing(toStoreAt: folder + "/a/b/store") { _ in throw Refused() }
            }
            #expect(!exists(folder + "/a"))
            #expect(exists(folder))
        }
    }

    @Test("a folder that existed stays, empty, when the new store's first write is refused")
    func existingFolderKept() throws {
        try withFolder { folder in
            let store = folder + "/kb"
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: false)
            #expect(throws: InputError.self) {
                try KnowledgeBase.writing(toStoreAt: store) { _ in throw InputError("refused") }
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: store).isEmpty)
        }
    }

    @Test("a store that existed keeps its files and events when a write is refused")
    func existingStoreKept() throws {
        try withFolder { folder in
            let store = folder + "/kb"
            let head = try KnowledgeBase.writing(toStoreAt: store) { base in
                _ = try base.append(event())
                return try base.head()
            }
            #expect(throws: Refused.self) {
                try KnowledgeBase.writing(toStoreAt: store) { _ in throw Refused() }
            }
            #expect(try KnowledgeBase(path: store, creating: false).head() == head)
        }
    }

    @Test("a created store stays when its body wrote events before it failed, and when it succeeds empty")
    func storeWithEventsKept() throws {
        try withFolder { folder in
            #expect(throws: Refused.self) {
                try KnowledgeBase.writing(toStoreAt: folder + "/written") { base in
                    _ = try base.append(event())
                    throw Refused()
                }
            }
            #expect(try KnowledgeBase(path: folder + "/written", creating: false).head()?.position.rawValue == 1)
            try KnowledgeBase.writing(toStoreAt: folder + "/empty") { _ in }
            #expect(exists(folder + "/empty/data.mdb"))
        }
    }

    @Test("options reach the store: its initial map size and write-mapping")
    func optionsReachTheStore() throws {
        try withFolder { folder in
            let options = KnowledgeBase.Options(initialMapSize: 1 << 20, isWriteMapped: true)
            do {
                let base = try KnowledgeBase(path: folder + "/kb", creating: true, options: options)
                #expect(base.environment.mapSize == 1 << 20)
                #expect(base.environment.isWriteMapped)
            }
            let reader = try KnowledgeBase(path: folder + "/kb", creating: false, readingOnly: true, options: options)
            #expect(!reader.environment.isWriteMapped)
        }
    }
}
