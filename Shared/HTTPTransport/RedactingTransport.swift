import Core

/// Takes configured secrets out of every upstream answer before anyone reads it. Some upstreams
/// echo the credentials they were sent (in an error body, say); without this, that text became an
/// error message stored in `llm_calls.error`, `outreach_queue.last_error` or a conversation, and
/// was served back by the API.
package struct RedactingTransport: Transport {
    package let base: any Transport
    package let redactor: SecretRedactor

    package init(_ base: any Transport, redactor: SecretRedactor) {
        self.base = base
        self.redactor = redactor
    }

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        redacted(try await base.send(request, deadline: deadline))
    }

    /// The error document of a non-2xx answer (where upstreams echo credentials) is buffered, so
    /// it is redacted whole, as are the headers. A 2xx body is redacted piece by piece: a secret
    /// split across two pieces, or across a stream's events (one token each), is not seen here:
    /// `LLMClient.streamChat` redacts the assembled answer with the configuration's redactor.
    package func stream(_ request: HTTPRequest, deadline: Deadline,
                        onBytes: @escaping @Sendable ([UInt8]) -> Bool) async throws -> HTTPResponse {
        let redactor = redactor
        return redacted(try await base.stream(request, deadline: deadline) { onBytes(redactor.redact($0)) })
    }

    private func redacted(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.body = redactor.redact(response.body)
        for (name, value) in response.headers { response.headers[name] = redactor.redact(value) }
        return response
    }
}
