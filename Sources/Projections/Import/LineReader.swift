import Glibc

/// Reads a file as lines of bytes, in fixed-size chunks, so memory does not grow with the file.
///
/// Lines end with LF; a CR before it is dropped. A last line without LF is still a line.
public final class LineReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The file as error locations name it; nil for a descriptor given by the caller.
    private let name: String?
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var isAtEnd = false
    /// The number of the line last returned, from 1.
    public private(set) var lineNumber = 0
    /// Bytes consumed so far.
    public private(set) var bytesRead = 0
    /// The longest line accepted, in bytes.
    public static let maximumLineLength = 1 << 20

    /// Opens the file at `path` for reading; errors name it `name` (its path by default; `-` for standard input
    /// spooled to a temporary file).
    public init(path: String, named name: String? = nil) throws(InputError) {
        let name = name ?? path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError("cannot read: \(String(cString: strerror(errno)))", at: name)
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw InputError("is a folder", at: name)
        }
        self.descriptor = descriptor
        self.ownsDescriptor = true
        self.name = name
        self.buffer = [UInt8](repeating: 0, count: 1 << 16)
    }

    /// Reads from an open descriptor, which stays open; `bufferSize` is the first chunk size (it grows for long lines).
    public init(descriptor: Int32, bufferSize: Int = 1 << 16) {
        self.descriptor = descriptor
        self.ownsDescriptor = false
        self.name = nil
        self.buffer = [UInt8](repeating: 0, count: max(1, bufferSize))
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` with the next line's bytes (valid only inside it); returns false at the end of the file.
    public func nextLine(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                try checkLength(lineEnd - start)
                lineNumber += 1
                bytesRead += newline + 1 - start
                let lineStart = start
                start = newline + 1
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lineStart..<lineEnd])) }
                return true
            }
            if isAtEnd {
                guard start < end else { return false }
                var lineEnd = end
                if buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                try checkLength(lineEnd - start)
                lineNumber += 1
                bytesRead += end - start
                let lineStart = start
                start = end
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lineStart..<lineEnd])) }
                return true
            }
            try fill()
        }
    }

    /// Refuses the next line when it has more than ``maximumLineLength`` bytes.
    private func checkLength(_ length: Int) throws(InputError) {
        guard length <= LineReader.maximumLineLength else {
            throw InputError(
                "line \(lineNumber + 1) is longer than \(LineReader.maximumLineLength) bytes",
                at: name.map { "\($0):\(lineNumber + 1)" }
            )
        }
    }

    private func fill() throws {
        if start > 0 {
            buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
            end -= start
            start = 0
        }
        // No line end in the buffer: a line of more than the limit (and a CR) cannot end well.
        try checkLength(end - 1)
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let count = buffer.withUnsafeMutableBytes { bytes in
            read(descriptor, bytes.baseAddress.map { $0 + end }, bytes.count - end)
        }
        if count < 0 {
            throw InputError("cannot read: \(String(cString: strerror(errno)))")
        }
        if count == 0 { isAtEnd = true }
        end += count
    }
}

/// Files and folders to import, resolved to a list of JSON Lines files in import order.
enum ImportSources {
    /// Expands each source: a folder becomes its `*.jsonl` files in name order; standard input stays as it is.
    static func files(for sources: [ImportSource]) throws(InputError) -> [ImportSource] {
        var files: [ImportSource] = []
        for source in sources {
            guard case .path(let path) = source else {
                files.append(source)
                continue
            }
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw InputError("cannot read: \(String(cString: strerror(errno)))", at: path)
            }
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                files.append(source)
                continue
            }
            guard let directory = opendir(path) else {
                throw InputError("cannot read folder: \(String(cString: strerror(errno)))", at: path)
            }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasSuffix(".jsonl") && !name.hasPrefix(".") { names.append(name) }
            }
            let folder = path.hasSuffix("/") ? path : path + "/"
            files += names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .path(folder + $0) }
        }
        return files
    }

    /// Copies standard input to a private temporary file and returns its path, so that an import can be re-run.
    static func spoolStandardInput() throws(InputError) -> String {
        var template = Array("/tmp/sckb-stdin-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            throw InputError("cannot spool standard input: \(String(cString: strerror(errno)))", at: "-")
        }
        defer { close(descriptor) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else {
                unlink(path)
                throw InputError("cannot read: \(String(cString: strerror(errno)))", at: "-")
            }
            var written = 0
            while written < count {
                let result = chunk.withUnsafeBytes {
                    write(descriptor, $0.baseAddress.map { $0 + written }, count - written)
                }
                guard result > 0 else {
                    unlink(path)
                    throw InputError("cannot spool standard input: \(String(cString: strerror(errno)))", at: "-")
                }
                written += result
            }
        }
        return path
    }
}
