#!/usr/bin/env python3
"""A loopback MCP server for the bundle's tests, written with the official `mcp` SDK (PyPI, v2).

It imitates the AWS documentation servers' tools:
  search_documentation{search_phrase, limit} -> {"search_results": [{rank_order, url, title, context}]}
  read_documentation{url, max_length?}      -> Markdown text
  get_regional_availability{region, resource_type?, filters?} -> {"region", "results": [...]}
plus `broken_tool` (a tool failure: isError) and `protocol_failure` (a JSON-RPC error).

Usage:
  server.py stdio [--mode MODE]
  server.py http --port-file FILE [--json-response] [--mode MODE]

--mode changes the behaviour the tests need:
  normal      the tools above (structuredContent + JSON text, as the SDK answers a dict)
  prefixed    tools named aws___search_documentation etc., answering JSON inside text only,
              the way clients see the AWS Knowledge server
  hang        search_documentation never answers
  hang-after-2  the first two searches answer, the rest never do
  protocol    search_documentation answers a JSON-RPC error (-32603)
  tool-error  search_documentation answers isError: true
  architectures  search_documentation answers AWS architecture and solution pages (and one
              ordinary guide, and one page twice under another spelling of its URL), for the
              reference-architecture search tests
--calls-file FILE appends one line per search call (the tests count upstream calls with it).
--hang-if-exists FILE makes searches hang while FILE exists (a server that starts hanging).
"""

import argparse
import json
import os
import socket
import sys
import time

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError


def build(mode: str, calls_file: str | None, hang_file: str | None = None) -> MCPServer:
    server = MCPServer("bundle-test-docs", version="1.0")
    prefix = "aws___" if mode == "prefixed" else ""

    def record(phrase: str) -> None:
        if calls_file:
            with open(calls_file, "a", encoding="utf-8") as handle:
                handle.write(phrase.replace("\n", " ") + "\n")

    def architectures(phrase: str, limit: int) -> dict:
        words = [word.strip(",.") for word in phrase.split()[:3]]
        slug = "-".join(word.lower() for word in words) or "empty"
        head = " ".join(words)
        found = [
            {"url": f"https://aws.amazon.com/solutions/implementations/{slug}/", "title": f"{head} on AWS | Solutions Library",
             "context": "Deploys Amazon API Gateway, AWS Lambda and Amazon DynamoDB in your account."},
            {"url": f"https://docs.aws.amazon.com/test/{slug}/guide.html", "title": f"{head} developer guide",
             "context": "An ordinary documentation page, not an architecture."},
            {"url": f"https://aws.amazon.com/architecture/{slug}-reference-architecture/", "title": f"{head} reference architecture",
             "context": "Runs containers on Amazon EKS with Amazon RDS for PostgreSQL behind Amazon CloudFront."},
            {"url": f"http://AWS.amazon.com/architecture/{slug}-reference-architecture", "title": f"{head} reference architecture (again)",
             "context": "The same page under another spelling of its URL."},
            {"url": f"https://aws.amazon.com/blogs/architecture/{slug}-at-scale/", "title": f"How to run {head} at scale",
             "context": "Streams events through Amazon Kinesis into S3 and queries them with Amazon Athena."},
        ]
        return {"search_results": [dict(item, rank_order=index + 1) for index, item in enumerate(found[: max(0, min(limit, 10))])]}

    def results(phrase: str, limit: int) -> dict:
        if mode == "architectures":
            return architectures(phrase, limit)
        slug = "-".join(phrase.lower().split()[:3]) or "empty"
        found = [
            {
                "rank_order": index + 1,
                "url": f"https://docs.aws.amazon.com/test/{slug}/page-{index + 1}.html",
                "title": f"{phrase.split(' for ')[0]} guide, part {index + 1}",
                "context": f"How to use {phrase}. Excerpt {index + 1}.",
            }
            for index in range(max(0, min(limit, 10)))
        ]
        return {"search_results": found}

    answered = {"searches": 0}

    async def search(search_phrase: str, limit: int = 5):
        record(search_phrase)
        answered["searches"] += 1
        hanging = bool(hang_file) and os.path.exists(hang_file)
        if hanging or mode == "hang" or (mode == "hang-after-2" and answered["searches"] > 2):
            await anyio.sleep(3600)
        if mode == "protocol":
            raise MCPError(-32603, "search index unavailable")
        if mode == "tool-error":
            raise ToolError("the search backend refused the query")
        if mode == "prefixed":
            # JSON inside text, no structuredContent: a str result is one text block.
            return json.dumps(results(search_phrase, limit))
        return results(search_phrase, limit)

    async def read(url: str, max_length: int = 5000) -> str:
        return f"# {url}\n\nThe page's text."[:max_length]

    async def availability(region: str, resource_type: str = "product", filters: list[str] | None = None) -> dict:
        return {"region": region, "results": [{"name": name, "status": "isAvailableIn"} for name in (filters or [])]}

    async def broken_tool(reason: str = "boom") -> str:
        raise ToolError(f"tool failed: {reason}")

    async def protocol_failure() -> str:
        raise MCPError(-32001, "the server refused this request")

    server.tool(name=prefix + "search_documentation", description="Search the documentation.")(search)
    server.tool(name=prefix + "read_documentation", description="Read one documentation page.")(read)
    server.tool(name=prefix + "get_regional_availability", description="Regional availability.")(availability)
    server.tool(name="broken_tool", description="Always fails (isError).")(broken_tool)
    server.tool(name="protocol_failure", description="Always answers a JSON-RPC error.")(protocol_failure)
    return server


def serve_http(server: MCPServer, port_file: str, json_response: bool) -> None:
    import uvicorn

    app = server.streamable_http_app(json_response=json_response)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    instance = uvicorn.Server(config)

    async def main() -> None:
        # The port is published once the socket listens; renamed into place so a reader never
        # sees half a number.
        temporary = port_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(str(port))
        os.replace(temporary, port_file)
        await instance.serve(sockets=[sock])

    anyio.run(main)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("transport", choices=["stdio", "http"])
    parser.add_argument("--port-file")
    parser.add_argument("--json-response", action="store_true")
    parser.add_argument("--mode", default="normal", choices=["normal", "prefixed", "hang", "hang-after-2", "protocol", "tool-error", "architectures"])
    parser.add_argument("--calls-file")
    parser.add_argument("--hang-if-exists")
    arguments = parser.parse_args()
    server = build(arguments.mode, arguments.calls_file, arguments.hang_if_exists)
    if arguments.transport == "stdio":
        print("bundle-test-docs: stdio server starting", file=sys.stderr, flush=True)
        server.run("stdio")
    else:
        if not arguments.port_file:
            parser.error("http needs --port-file")
        serve_http(server, arguments.port_file, arguments.json_response)


if __name__ == "__main__":
    main()
