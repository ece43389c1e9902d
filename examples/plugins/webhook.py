#!/usr/bin/env python3
"""A herald plugin (protocol 1, see herald-plugins(7)) that posts each post as JSON to a webhook.

Use it from a calendar like this:

    accounts:
      team:
        platform: exec
        command: [./plugins/webhook.py, --url-env, TEAM_WEBHOOK_URL]
        env: [TEAM_WEBHOOK_URL]

The URL is read from the environment variable that --url-env names (default WEBHOOK_URL); the
account lists it under env: so that herald passes it through. It never appears on a command
line or in a message (it may embed a token). The URL must be https, or http to a loopback
address (for tests and local relays).

Each publish is one POST with an Idempotency-Key header and this body:

    {"job": ..., "post": ..., "account": ..., "idempotency_key": ..., "text": ...,
     "parts": [{"text": ..., "media": [{"file": ..., "alt": ...}]}]}

plus "article" ({"title": ..., "tags": [...], ...}) when the post has long-form keys.

A 2xx answer is published; its JSON "id" and "url" are recorded when present (else the
idempotency key is the id). 429 is rate_limited (with Retry-After), 401 and 403 are auth, 408
and 5xx maybe_sent (the server had the post), any other status permanent. A connection that
cannot be made is retryable; one lost after the request went out is maybe_sent.

Options: --max-length N (code points) and --idempotent (the endpoint deduplicates on the
Idempotency-Key header, so herald may resend after an ambiguous failure). Standard library only.
"""

import argparse
import ipaddress
import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request

PROTOCOL = 1
MAX_ANSWER = 1 << 20


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be resent elsewhere, or turned into a GET: refuse it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def log(message):
    """stderr is herald's -v log."""
    print(f"webhook.py: {message}", file=sys.stderr, flush=True)


def error(kind, message, retry_after=None):
    answer = {"type": "error", "kind": kind, "message": message}
    if retry_after is not None:
        answer["retry_after"] = retry_after
    return answer


def target(args):
    """(url, shown, problem): shown is scheme://host[:port], safe to print."""
    url = os.environ.get(args.url_env, "")
    if not url:
        return None, None, f"{args.url_env} is not set (list it under the account's env:)"
    split = urllib.parse.urlsplit(url)
    shown = f"{split.scheme}://{split.hostname or ''}" + (f":{split.port}" if split.port else "")
    host = split.hostname or ""
    if split.scheme == "https":
        return url, shown, None
    if split.scheme == "http":
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return url, shown, None
    return None, shown, f"{args.url_env} must be an https URL (or http to a loopback address)"


def retry_after(headers):
    value = (headers or {}).get("Retry-After", "")
    return int(value) if value.strip().isdigit() else None


def publish(request, args):
    url, shown, problem = target(args)
    if problem:
        return error("auth", problem)
    key = request["idempotency_key"]
    body = {name: request.get(name) for name in
            ("job", "post", "account", "idempotency_key", "text", "parts")}
    if "article" in request:  # a post with a title, tags, ... (herald-calendar(5))
        body["article"] = request["article"]
    http_request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key,
                 "User-Agent": "herald-webhook-plugin/1"})
    try:
        with OPENER.open(http_request, timeout=args.timeout) as response:
            status, data = response.status, response.read(MAX_ANSWER)
    except urllib.error.HTTPError as e:
        status = e.code
        if status == 429:
            return error("rate_limited", f"{shown} answered 429 Too Many Requests",
                         retry_after(e.headers))
        if status in (401, 403):
            return error("auth", f"{shown} refused the request: HTTP {status}")
        if status == 408 or status >= 500:
            return error("maybe_sent", f"{shown} failed after receiving the post: HTTP {status}",
                         retry_after(e.headers))
        return error("permanent", f"{shown} refused the post: HTTP {status}")
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (ConnectionRefusedError, socket.gaierror)):
            return error("retryable", f"cannot connect to {shown}: {reason}")
        return error("maybe_sent", f"the request to {shown} failed: {reason}")
    except OSError as e:  # a timeout or a reset while waiting for the answer
        return error("maybe_sent", f"no answer from {shown}: {e}")
    try:
        document = json.loads(data.decode("utf-8"))
    except ValueError:
        document = {}
    if not isinstance(document, dict):
        document = {}
    remote_id = document.get("id")
    answer = {"type": "published", "remote_id": str(remote_id) if remote_id else key}
    if isinstance(document.get("url"), str):
        answer["url"] = document["url"]
    log(f"HTTP {status} from {shown}")
    return answer


def handle(request, args):
    kind = request.get("type")
    if kind == "hello":
        capabilities = {"threads": True, "media": False, "idempotent": args.idempotent,
                        "validate": True, "verify": True}
        if args.max_length:
            capabilities.update(max_length=args.max_length, length_unit="code_points")
        return {"type": "hello", "protocol": PROTOCOL, "name": "webhook.py",
                "capabilities": capabilities}
    if kind == "validate":
        problems = []
        if not request.get("text", "").strip():
            problems.append("the text is empty")
        return {"type": "validated", "problems": problems}
    if kind == "verify":
        _, shown, problem = target(args)
        if problem:
            return error("auth", problem)
        return {"type": "verified", "detail": f"posts to {shown}"}
    if kind == "publish":
        return publish(request, args)
    return error("permanent", f"webhook.py does not know {kind!r} requests")


def main():
    parser = argparse.ArgumentParser(description="herald plugin: POST each post to a webhook")
    parser.add_argument("--url-env", default="WEBHOOK_URL",
                        help="the environment variable that holds the URL")
    parser.add_argument("--max-length", type=int, default=0,
                        help="the longest text the endpoint takes, in code points")
    parser.add_argument("--idempotent", action="store_true",
                        help="the endpoint deduplicates on the Idempotency-Key header")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds to wait for the endpoint (keep it below herald's timeout)")
    args = parser.parse_args()
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            log("a request that is not JSON: ignored")
            continue
        answer = handle(request, args)
        answer["id"] = request.get("id")
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
