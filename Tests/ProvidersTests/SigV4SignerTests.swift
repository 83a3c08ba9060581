import Core
import Foundation
@testable import Providers
import Testing

/// The signer against the worked examples in AWS's S3 documentation ("Signature Calculations for
/// the Authorization Header" and "Authenticating Requests: Using Query Parameters"): the example
/// bucket, key AKIAIOSFODNN7EXAMPLE, 2013-05-24T00:00:00Z. The expected values are AWS's.
@Suite struct SigV4SignerTests {
    static let signer = SigV4Signer(
        credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z
    static let host = "examplebucket.s3.amazonaws.com"
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    static func signature(_ headers: [(name: String, value: String)]) -> String? {
        guard let authorization = headers.first(where: { $0.name == "Authorization" })?.value,
              let range = authorization.range(of: "Signature=") else { return nil }
        return String(authorization[range.upperBound...])
    }

    @Test func getObjectExample() {
        #expect(SigV4Signer.amzDate(Self.date) == "20130524T000000Z")
        let headers = Self.signer.authorizationHeaders(method: "GET", path: "/test.txt",
                                                       headers: [("Host", Self.host), ("Range", "bytes=0-9")],
                                                       payloadHash: Self.emptyHash, date: Self.date)
        #expect(Self.signature(headers) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        let authorization = headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "))
        #expect(headers.contains { $0.name == "x-amz-date" && $0.value == "20130524T000000Z" })
        #expect(headers.contains { $0.name == "x-amz-content-sha256" && $0.value == Self.emptyHash })
        #expect(!headers.contains { $0.name == "x-amz-security-token" })
    }

    @Test func getObjectExampleSteps() {
        let canonical = SigV4Signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: "",
            headers: SigV4Signer.canonicalHeaders([("Host", Self.host), ("Range", "bytes=0-9"),
                                                   ("x-amz-content-sha256", Self.emptyHash), ("x-amz-date", "20130524T000000Z")]),
            payloadHash: Self.emptyHash)
        #expect(SHA256.hex(SHA256.hash(canonical)) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        let stringToSign = Self.signer.stringToSign(canonicalRequest: canonical, amzDate: "20130524T000000Z")
        #expect(stringToSign == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    }

    @Test func putObjectExampleEncodesTheKey() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = SHA256.hex(SHA256.hash(body))
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = SigV4Signer.canonicalPath(["test$file.text"])
        #expect(path == "/test%24file.text")
        let headers = Self.signer.authorizationHeaders(
            method: "PUT", path: path,
            headers: [("Host", Self.host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payloadHash: hash, date: Self.date)
        #expect(Self.signature(headers) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func listObjectsExampleSortsTheQuery() {
        let headers = Self.signer.authorizationHeaders(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
                                                       headers: [("Host", Self.host)], payloadHash: Self.emptyHash, date: Self.date)
        #expect(Self.signature(headers) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func presignedURLExample() throws {
        let query = try Self.signer.presignedQuery(method: "GET", host: Self.host, path: "/test.txt", expiresInSeconds: 86_400, date: Self.date)
        #expect(query == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func presignedExpiryIsBounded() {
        for seconds in [0, -5, 604_801] {
            #expect(throws: BundleError.self) {
                try Self.signer.presignedQuery(method: "GET", host: Self.host, path: "/a", expiresInSeconds: seconds, date: Self.date)
            }
        }
        #expect(throws: Never.self) {
            try Self.signer.presignedQuery(method: "GET", host: Self.host, path: "/a", expiresInSeconds: 604_800, date: Self.date)
        }
    }

    @Test func sessionTokenIsSentAndSigned() throws {
        var credentials = Self.signer.credentials
        credentials.sessionToken = "token/with+chars="
        let withToken = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let headers = withToken.authorizationHeaders(method: "GET", path: "/test.txt", headers: [("Host", Self.host)],
                                                     payloadHash: Self.emptyHash, date: Self.date)
        #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "token/with+chars=" })
        #expect(headers.first { $0.name == "Authorization" }?.value.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
        let query = try withToken.presignedQuery(method: "GET", host: Self.host, path: "/test.txt", expiresInSeconds: 60, date: Self.date)
        #expect(query.contains("X-Amz-Security-Token=token%2Fwith%2Bchars%3D"))
        let plain = try Self.signer.presignedQuery(method: "GET", host: Self.host, path: "/test.txt", expiresInSeconds: 60, date: Self.date)
        #expect(query.suffix(64) != plain.suffix(64), "the token is part of the signature")
    }

    @Test func canonicalHeadersFoldSpacesAndSortNames() {
        let canonical = SigV4Signer.canonicalHeaders([("X-B", "  two   words "), ("a", "1"), ("Host", "h")])
        #expect(canonical.lines == "a:1\nhost:h\nx-b:two words")
        #expect(canonical.names == "a;host;x-b")
    }
}
