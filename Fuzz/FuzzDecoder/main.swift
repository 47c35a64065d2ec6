import CLibFuzzer
import EventStore
import Glibc
import Projections

// Feeds each input to what `sckb import` runs on a file: LineReader splits it into lines, and each line that is not
// blank goes through JSONParser and Event(json:). A thrown error is a correct refusal; a trap, a sanitizer report or
// a broken round trip is a finding. The first byte picks LineReader's first chunk size, so that short inputs also
// cross chunk borders and buffer growth.

/// The file each input is written to, so that LineReader reads it as it reads an imported file.
let scratchDescriptor: Int32 = {
    var template = Array("/tmp/sckb-fuzz-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress.map { mkstemp($0) } ?? -1
    }
    guard descriptor >= 0 else { fatalError("cannot create a scratch file: \(String(cString: strerror(errno)))") }
    template.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { _ = unlink(base) }
    }
    return descriptor
}()

/// A fixed recorded time for the stored form of decoded events.
let recorded = Timestamp(secondsSince1970: 1_750_000_000)

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Decodes one line as import does, and checks that what decodes survives the trip through its stored form.
func decode(line: UnsafeRawBufferPointer) {
    guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
    let json: JSONValue
    do {
        json = try JSONParser.parse(line)
    } catch {
        check(error.column >= 1 && error.column <= line.count + 1, "column \(error.column) outside the line")
        return
    }
    let canonical = CanonicalJSON.bytes(of: json)
    do {
        let again = try JSONParser.parse(canonical)
        check(CanonicalJSON.bytes(of: again) == canonical, "canonical JSON does not re-parse to itself")
    } catch {
        fatalError("canonical JSON of a parsed value does not parse: \(error)")
    }
    guard let event = try? Event(json: json) else { return }
    let time = event.at ?? ValidTime(timestamp: recorded)
    let stored = event.canonicalBytes(position: Position(1), recorded: recorded, at: time)
    do {
        let read = try stored.withUnsafeBytes { bytes in
            try RecordedEvent(position: Position(1), hash: .zero, bytes: bytes)
        }
        var expected = event
        expected.at = time
        check(read.event == expected, "the stored form decodes to another event")
        check(event.hasSameContent(as: read), "an event does not have the same content as its stored form")
    } catch {
        fatalError("the stored form of a decoded event does not decode: \(error)")
    }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let data, count > 0 else { return 0 }
    let bufferSize = 1 + Int(data[0] % 64)
    let body = UnsafeRawBufferPointer(start: data + 1, count: count - 1)
    let descriptor = scratchDescriptor
    guard ftruncate(descriptor, 0) == 0, pwrite(descriptor, body.baseAddress, body.count, 0) == body.count,
        lseek(descriptor, 0, SEEK_SET) == 0
    else { fatalError("cannot write the scratch file: \(String(cString: strerror(errno)))") }
    let reader = LineReader(descriptor: descriptor, bufferSize: bufferSize)
    var lineBytes = 0
    do {
        while try reader.nextLine({ line in
            lineBytes += line.count
            decode(line: line)
        }) {}
    } catch {
        return 0
    }
    check(reader.bytesRead == body.count, "read \(reader.bytesRead) of \(body.count) bytes")
    check(lineBytes <= body.count, "lines hold more bytes than the input")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
