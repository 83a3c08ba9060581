import Core
import Testing

@Suite struct ConfigTests {
    @Test func parsesDotEnvSyntax() {
        let values = DotEnv.parse("""
            # comment
            PLAIN=value
            export EXPORTED=yes
            SPACED = around  # trailing comment
            DOUBLE="line one\\nline two \\"quoted\\""
            SINGLE='raw \\n $HOME'
            MULTI="first
            second"
            HASH=abc#def
            not a line
            EMPTY=
            """)
        #expect(values["PLAIN"] == "value")
        #expect(values["EXPORTED"] == "yes")
        #expect(values["SPACED"] == "around")
        #expect(values["DOUBLE"] == "line one\nline two \"quoted\"")
        #expect(values["SINGLE"] == "raw \\n $HOME")
        #expect(values["MULTI"] == "first\nsecond")
        #expect(values["HASH"] == "abc#def")
        #expect(values["EMPTY"] == "")
        #expect(values.count == 8)
    }

    @Test func emptyValuesCountAsUnset() {
        let config = Config(["A": "", "B": "x"])
        #expect(config["A"] == nil)
        #expect(config["B"] == "x")
    }

    @Test func typedAccessorsNameTheVariable() throws {
        let config = Config(["N": "12", "BAD": "twelve", "FLAG": "off", "RANGE": "500"])
        #expect(try config.int("N", default: 1) == 12)
        #expect(try config.int("MISSING", default: 7) == 7)
        #expect(try config.bool("FLAG", default: true) == false)
        do {
            _ = try config.int("BAD", default: 1)
            Issue.record("expected an error")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("BAD"))
        }
        #expect(throws: BundleError.self) { try config.int("RANGE", default: 1, in: 1...100) }
    }

    @Test func requireExplainsWhatIsMissing() {
        do {
            _ = try Config([:]).require("ANTHROPIC_API_KEY", for: "the anthropic LLM provider")
            Issue.record("expected an error")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("ANTHROPIC_API_KEY"))
            #expect(error.details?.first?.field == "ANTHROPIC_API_KEY")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func secretValuesComeFromSecretNames() {
        let config = Config(["LLM_API_KEY": "sk-abcdef123", "TWILIO_AUTH_TOKEN": "tok-123456", "LLM_MODEL": "gpt-4.1-mini", "SHORT_KEY": "abc"])
        #expect(Set(config.secretValues) == ["sk-abcdef123", "tok-123456"])
    }

    @Test func anUnclosedQuoteDoesNotSwallowTheRestOfTheFile() {
        let values = DotEnv.parse("GREETING=\"hello\nBUNDLE_NOW=2026-01-05T09:00:00Z\nNEXT='x'\n")
        #expect(values["GREETING"] == "hello")
        #expect(values["BUNDLE_NOW"] == "2026-01-05T09:00:00Z")
        #expect(values["NEXT"] == "x")
    }

    @Test(arguments: [
        ("LLM_API_KEY", true), ("TWILIO_AUTH_TOKEN", true), ("authorization", true), ("x-twilio-signature", true),
        ("apiKey", true), ("accessToken", true), ("GOOGLE_CLIENT_SECRET", true), ("SMTP_PASSWORD", true), ("x-api-key", true),
        ("prompt_tokens", false), ("key_points", false), ("author", false), ("LLM_MODEL", false), ("keyboard", false),
        ("DB_PWD", true), ("PWD", false), ("OLDPWD", false),
    ])
    func secretNamesAreJudgedByTheirLastSegment(name: String, secret: Bool) {
        #expect(Config.isSecretName(name) == secret)
    }

    @Test func passwordsInsideURLsAreSecrets() {
        let config = Config(["DATABASE_URL": "postgres://app:db-pass-123@db.internal/bundle", "LLM_BASE_URL": "http://127.0.0.1:8080/v1"])
        #expect(config.secretValues == ["db-pass-123"])
    }

    @Test(arguments: [
        ("postgres://app:pässwört@db/x", "pässwört"),
        ("redis://:s3cret-key@cache:6379/0", "s3cret-key"),
        ("https://user:pw-1@host/path@with/at?x=a:b@c#f", "pw-1"),
        ("ftp://u:p:q@host", "p:q"),
        ("https://host/a:b@c", nil),
        ("https://user@host/", nil),
        ("mailto:a:b@c", nil),
        ("://", nil),
        ("x:/", nil),
    ] as [(String, String?)])
    func aURLsPasswordIsBetweenTheSchemesFirstColonAndTheAuthoritysLastAt(url: String, password: String?) {
        #expect(Config(["UPSTREAM_URL": url]).secretValues == (password.map { [$0] } ?? []))
    }
}

extension ConfigTests {
    @Test func requestHeaderVariablesNeverBecomeConfiguration() {
        let config = Config(["HTTP_MAX_RESPONSE_BYTES": "1", "HTTP_PROXY": "http://evil.test", "LLM_MODEL": "m"]).withoutRequestHeaders()
        #expect(config["HTTP_MAX_RESPONSE_BYTES"] == nil)
        #expect(config["HTTP_PROXY"] == nil)
        #expect(config["LLM_MODEL"] == "m")
    }
}
