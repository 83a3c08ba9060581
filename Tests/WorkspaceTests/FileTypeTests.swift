import Core
import Foundation
import Testing
import Workspace

/// Types by magic numbers, names sanitised and made to match, signed links.
@Suite struct FileTypeTests {
    @Test func eachAcceptedTypeIsKnownByItsFirstBytes() {
        #expect(FileType.detect(SampleFiles.jpeg) == .jpeg)
        #expect(FileType.detect(SampleFiles.png) == .png)
        #expect(FileType.detect(SampleFiles.gif) == .gif)
        #expect(FileType.detect(SampleFiles.webp) == .webp)
        #expect(FileType.detect(SampleFiles.pdf) == .pdf)
        #expect(FileType.detect(SampleFiles.svg) == .svg)
        #expect(FileType.detect(SampleFiles.text) == .text)
        #expect(FileType.detect(Array("GIF87a".utf8) + [0, 1]) == .gif)
    }

    @Test func executablesAndOtherBinariesAreRefused() {
        #expect(FileType.detect(SampleFiles.elf) == nil)
        #expect(FileType.detect(SampleFiles.pe) == nil)
        #expect(FileType.detect([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]) == nil)  // a ZIP
        #expect(FileType.detect(Array("hello\u{0}world".utf8)) == nil)
        #expect(FileType.detect([0xC3, 0x28]) == nil)  // invalid UTF-8
        // RIFF that is not WebP (a WAV) is not an image, and has NULs.
        #expect(FileType.detect(Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8)) == nil)
    }

    @Test func svgIsDecidedByTheRootElementAfterTheProlog() {
        #expect(FileType.detect(Array("<svg/>".utf8)) == .svg)
        #expect(FileType.detect(Array("  <svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"></svg:svg>".utf8)) == .svg)
        #expect(FileType.detect(Array("<?xml version=\"1.0\"?><html><svg/></html>".utf8)) == .text)
        #expect(FileType.detect(Array("<svgx></svgx>".utf8)) == .text)
        // An unterminated comment is not SVG (and the scan ends at the end, not past it).
        #expect(FileType.detect(Array("<!-- <svg>".utf8)) == .text)
        // A prolog longer than the scan bound is not taken for SVG.
        let long = "<!--" + String(repeating: "x", count: 70_000) + "--><svg/>"
        #expect(FileType.detect(Array(long.utf8)) == .text)
    }

    @Test func namesLoseTheirPathsControlCharactersAndLeadingDots() {
        #expect(FileName.sanitized("../../etc/passwd") == "passwd")
        #expect(FileName.sanitized("C:\\Users\\me\\report.pdf") == "report.pdf")
        #expect(FileName.sanitized("bad\u{0}na\u{7}me\r\n.txt") == "badname.txt")
        #expect(FileName.sanitized("invoice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(FileName.sanitized("  ...hidden  ") == "hidden")
        #expect(FileName.sanitized("../") == "file")
        #expect(FileName.sanitized("") == "file")
        let long = FileName.sanitized(String(repeating: "é", count: 300) + ".txt")
        #expect(long.utf8.count <= 255 && long.hasSuffix(".txt"))
    }

    @Test func theExtensionIsMadeToMatchTheContent() {
        #expect(FileName.stored("photo.pdf", type: .png) == "photo.png")
        #expect(FileName.stored("photo.PNG", type: .png) == "photo.PNG")
        #expect(FileName.stored("scan.jpeg", type: .jpeg) == "scan.jpeg")
        #expect(FileName.stored("page.html", type: .text) == "page.html.txt")
        #expect(FileName.stored("notes.md", type: .text) == "notes.md")
        #expect(FileName.stored("README", type: .text) == "README.txt")
        #expect(FileName.stored("evil.png", type: .svg) == "evil.svg")
        #expect(FileName.keyComponent("my report (v2).pdf") == "my_report__v2_.pdf")
        #expect(FileName.keyComponent(".env") == "_env")
    }

    @Test func contentDispositionCarriesAnASCIINameAndTheExactOne() {
        #expect(FileName.contentDisposition("café \"x\".txt", inline: true) == "inline; filename=\"caf_ _x_.txt\"; filename*=UTF-8''caf%C3%A9%20%22x%22.txt")
        #expect(FileName.contentDisposition("a.svg", inline: false).hasPrefix("attachment;"))
    }

    @Test func signedLinksHoldUntilTheyExpireAndOnlyAsSigned() throws {
        let signer = FileLinkSigner(secret: String(repeating: "s", count: 40))
        let now = Date(timeIntervalSince1970: 1_000)
        let sha = String(repeating: "a", count: 64)
        let signature = signer.signature(fileID: 7, sha256: sha, expires: 1_900)
        try signer.verify(fileID: 7, sha256: sha, expires: 1_900, signature: signature, now: now)
        try signer.verify(fileID: 7, sha256: sha, expires: 1_900, signature: signature.uppercased(), now: now)
        // Expired; another id; another expiry; another file under the same id (an id handed out
        // again after a delete); a changed or empty signature.
        for (id, digest, expires, candidate, at) in [(7, sha, 1_900, signature, 1_900.0), (8, sha, 1_900, signature, 1_000),
                                                     (7, sha, 2_900, signature, 1_000), (7, String(repeating: "b", count: 64), 1_900, signature, 1_000),
                                                     (7, sha, 1_900, String(signature.dropLast()) + "0", 1_000), (7, sha, 1_900, "", 1_000)] {
            let error = #expect(throws: BundleError.self) {
                try signer.verify(fileID: id, sha256: digest, expires: expires, signature: candidate, now: Date(timeIntervalSince1970: at))
            }
            #expect(error?.code == .forbidden)
        }
        let other = FileLinkSigner(secret: String(repeating: "t", count: 40))
        #expect(throws: BundleError.self) { try other.verify(fileID: 7, sha256: sha, expires: 1_900, signature: signature, now: now) }
    }

    @Test func theSecretMustBeSetAndLong() {
        let unset = #expect(throws: BundleError.self) { try FileLinkSigner(config: Config([:])) }
        #expect(unset?.code == .misconfigured && unset?.message.contains("FILE_URL_SECRET") == true)
        let short = #expect(throws: BundleError.self) { try FileLinkSigner(config: Config(["FILE_URL_SECRET": "short"])) }
        #expect(short?.code == .misconfigured)
    }

    @Test func linksPointAtThePublicBaseOrAreAPath() {
        #expect(FileLinkSigner.base(config: Config(["PUBLIC_BASE_URL": "https://x.example/"])) == "https://x.example")
        #expect(FileLinkSigner.base(config: Config([:])) == "")
    }
}
