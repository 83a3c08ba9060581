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
        var response = try await base.send(request, deadline: deadline)
        response.body = redactor.redact(response.body)
        for (name, value) in response.headers { response.headers[name] = redactor.redact(value) }
        return response
    }
}
