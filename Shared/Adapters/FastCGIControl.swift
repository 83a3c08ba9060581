import CProcessShim
#if canImport(Glibc)
import Glibc
#endif

/// The messages between the FastCGI master and a worker, over the worker's end of a
/// `SOCK_SEQPACKET` pair (its stdin): one byte of kind, four of connection number, and for
/// `connection` and `hello` a descriptor attached.
enum FastCGIControl {
    /// Bumped when the messages change: a master refuses workers of a binary that speaks another
    /// version (a reload onto an incompatible build), rather than misreading them.
    static let version: UInt32 = 1

    enum Kind: UInt8 {
        /// Master → worker, first: the scoreboard's memory file attached; the number is the version.
        case hello = 0
        /// Master → worker: a connection with a request waiting, attached.
        case connection = 1
        /// Master → worker: finish and exit (drain, reload, or replaced).
        case retire = 2
        /// Worker → master: started and ready for connections; the number is the version.
        case ready = 10
        /// Worker → master: done with the connection, which stays open for its next request.
        case idle = 11
        /// Worker → master: the connection is finished (closed by the peer, or not kept).
        case closed = 12
        /// Worker → master: it served its `--max-requests` and exits after this message.
        case retiring = 13
    }

    struct Message: Equatable {
        var kind: Kind
        var number: UInt32
    }

    static func send(_ message: Message, over socket: Int32, attaching descriptor: Int32 = -1) -> Bool {
        let bytes: [UInt8] = [message.kind.rawValue, UInt8(message.number >> 24), UInt8(message.number >> 16 & 0xff),
                              UInt8(message.number >> 8 & 0xff), UInt8(message.number & 0xff)]
        return bytes.withUnsafeBytes { bundle_send_with_fd(socket, $0.baseAddress, $0.count, descriptor) } == 0
    }

    enum Received {
        case message(Message, descriptor: Int32)
        /// Nothing waiting on a non-blocking socket.
        case none
        /// The other side closed its end, or the socket failed.
        case closed
    }

    /// The next message and its descriptor (-1 when none).
    static func receive(from socket: Int32) -> Received {
        var bytes = [UInt8](repeating: 0, count: 16)
        var descriptor: Int32 = -1
        let count = bytes.withUnsafeMutableBytes { bundle_receive_with_fd(socket, $0.baseAddress, $0.count, &descriptor) }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .none }
        guard count >= 5, let kind = Kind(rawValue: bytes[0]) else {
            if descriptor >= 0 { close(descriptor) }
            return .closed
        }
        let number = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        return .message(Message(kind: kind, number: number), descriptor: descriptor)
    }
}
