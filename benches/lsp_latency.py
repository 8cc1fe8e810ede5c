#!/usr/bin/env python3
"""Time from a change to its diagnostics in `ivr lsp`, as an editor sees it.

Starts the server (default: target/release/ivr), opens each example menu and its intents file
as an editor would, then for each menu changes it N times (a comment that grows, so the text
differs each time) and times each `didChange` until the menu's `publishDiagnostics` arrives;
then changes the intents file N times and times until the menu that names it as its traffic
has been re-linted (the intents file's own diagnostics come first, the menu's after them);
then hovers N times on the entry node's key (with traffic, hover runs the exact solver).
Prints the median and the slowest per menu, in milliseconds.

    python3 benches/lsp_latency.py [path/to/ivr] [changes]
"""

import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MENUS = ["tutorial", "retail-bank", "electricity-utility", "mobile-operator"]


class Server:
    def __init__(self, binary):
        self.process = subprocess.Popen(
            [binary, "lsp"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 1

    def send(self, message):
        body = json.dumps(dict(message, jsonrpc="2.0")).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("ivr lsp closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        wanted = self.next_id
        self.next_id += 1
        self.send({"id": wanted, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == wanted and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def wait_for(self, uri):
        while True:
            message = self.read()
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            ):
                return message


def uri(path):
    return "file://" + os.path.abspath(path)


def change(server, target, version, text):
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": target, "version": version},
            "contentChanges": [{"text": text}],
        },
    )


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/ivr")
    changes = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    server = Server(binary)
    server.request("initialize", {"processId": None, "rootUri": uri(ROOT), "capabilities": {}})
    server.notify("initialized", {})
    print(
        "| menu | change to the menu: median | slowest "
        "| change to its intents file: median | slowest | hover on `entry`'s node: median | slowest |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in MENUS:
        menu_path = os.path.join(ROOT, "menus", name + ".yaml")
        intents_path = os.path.join(ROOT, "menus", name + ".intents.yaml")
        menu_text = open(menu_path, encoding="utf-8").read()
        intents_text = open(intents_path, encoding="utf-8").read()
        menu, intents = uri(menu_path), uri(intents_path)
        for target, text in [(menu, menu_text), (intents, intents_text)]:
            server.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": target, "languageId": "yaml", "version": 1, "text": text}},
            )
        # Opening the intents file re-lints the menu: read everything up to a later answer.
        server.request("textDocument/documentSymbol", {"textDocument": {"uri": menu}})
        own, dependant = [], []
        for i in range(changes):
            start = time.perf_counter()
            change(server, menu, i + 2, menu_text + "#" * (i + 1) + "\n")
            server.wait_for(menu)
            own.append((time.perf_counter() - start) * 1000)
        for i in range(changes):
            start = time.perf_counter()
            change(server, intents, i + 2, intents_text + "#" * (i + 1) + "\n")
            server.wait_for(menu)
            dependant.append((time.perf_counter() - start) * 1000)
        entry = next(l.split(":")[1].split("#")[0].strip() for l in menu_text.splitlines() if l.startswith("entry:"))
        line = menu_text.splitlines().index("  %s:" % entry)
        hovers = []
        for _ in range(changes):
            start = time.perf_counter()
            answer = server.request(
                "textDocument/hover",
                {"textDocument": {"uri": menu}, "position": {"line": line, "character": 3}},
            )
            hovers.append((time.perf_counter() - start) * 1000)
            assert "With traffic" in answer["result"]["contents"]["value"], answer
        for target in [menu, intents]:
            server.notify("textDocument/didClose", {"textDocument": {"uri": target}})
        figures = [own, dependant, hovers]
        print(
            "| %s.yaml | %s |"
            % (name, " | ".join("%.1f ms | %.1f ms" % (statistics.median(f), max(f)) for f in figures))
        )
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=10)


if __name__ == "__main__":
    main()
