#!/usr/bin/env python3
"""Writes the hostile-request corpus: Tests/Corpus/hostile/NNN-name.http (the bytes sent on
one connection) and NNN-name.expect (what must happen), one pair per case.

An .expect file holds `parser=` and `live=`:
  parser=accept | parser=NNN   what HTTP1RequestParser makes of the bytes (NNN: the status
                                of the error it throws), fed whole and byte by byte
  live=response | live=NNN | live=close
                                what a live server answers on the connection: any response
                                from the application, the framing error NNN (then close), or
                                nothing at all before closing
  live=response,NNN             two answers in order (a valid request, then garbage)
The live server's application reads each request's content, so a content over the server's
limit (413) or one that ends early (400) is found by that read, not by the parser. An
optional `demo=` says what the release tern-demo (`make reliability`) answers instead when it
differs: its POST /healthz is answered (405) without reading the content, so an error inside
the content is never found there.
The corpus is generated so it can be regenerated after a reviewed change; the files are the
contract. Run from the repository root: python3 Tests/Corpus/generate.py
"""
import os, shutil

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")
cases = []

def case(name, data, parser, live=None, demo=None):
    if isinstance(data, str):
        data = data.encode("latin-1")
    cases.append((name, data, parser, live or ("response" if parser == "accept" else parser), demo))

H = "Host: t\r\n"
def req(line, fields="", body=""):
    return f"{line}\r\n{H}{fields}\r\n{body}"

# Valid baselines (the corpus also proves what must still work).
case("get", req("GET /healthz HTTP/1.1"), "accept")
case("head", req("HEAD /healthz HTTP/1.1"), "accept")
case("http10-no-host", "GET /healthz HTTP/1.0\r\n\r\n", "accept")
case("absolute-form", "GET http://t/healthz HTTP/1.1\r\nHost: t\r\n\r\n", "accept")
case("options-asterisk", "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n", "accept")
case("chunked-body", req("POST /healthz HTTP/1.1", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), "accept")
case("chunked-ext", req("POST /healthz HTTP/1.1", "Transfer-Encoding: chunked\r\n", "5;name=value\r\nhello\r\n0\r\n\r\n"), "accept")
case("chunked-trailer", req("POST /healthz HTTP/1.1", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"), "accept")
case("chunked-case", req("POST /healthz HTTP/1.1", "Transfer-Encoding: Chunked\r\n", "0\r\n\r\n"), "accept")
case("cl-repeated-same", req("POST /healthz HTTP/1.1", "Content-Length: 2\r\nContent-Length: 2\r\n", "ab"), "accept")
case("cl-list-same", req("POST /healthz HTTP/1.1", "Content-Length: 2, 2\r\n", "ab"), "accept")
case("percent-ok", req("GET /heal%74hz HTTP/1.1"), "accept")

# Request smuggling: Content-Length with Transfer-Encoding (RFC 9112 section 6.1).
for i, (fields, body) in enumerate([
    ("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
    ("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", "0\r\n\r\n"),
    ("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
    ("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", "0\r\n\r\n"),
    ("Content-Length: 13\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nGET / HTTP/1.1\r\n"),
    ("Content-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"),
    ("Transfer-Encoding: identity\r\nContent-Length: 5\r\n", "hello"),
    ("Content-Length: 5\r\nTransfer-Encoding: identity\r\n", "hello"),
    ("Content-length: 5\r\nTransfer-encoding: chunked\r\n", "0\r\n\r\n"),
    ("CONTENT-LENGTH: 5\r\nTRANSFER-ENCODING: CHUNKED\r\n", "0\r\n\r\n"),
]):
    case(f"smuggle-cl-te-{i}", req("POST /healthz HTTP/1.1", fields, body), "400")

# Content-Length values.
for name, value, status in [
    ("two", "Content-Length: 1\r\nContent-Length: 2\r\n", "400"), ("list", "Content-Length: 1, 2\r\n", "400"),
    ("plus", "Content-Length: +1\r\n", "400"), ("minus", "Content-Length: -1\r\n", "400"), ("hex", "Content-Length: 0x10\r\n", "400"),
    ("space-inside", "Content-Length: 1 1\r\n", "400"), ("empty", "Content-Length: \r\n", "400"), ("trailing-comma", "Content-Length: 1,\r\n", "400"),
    ("letters", "Content-Length: abc\r\n", "400"), ("float", "Content-Length: 1.0\r\n", "400"), ("huge", "Content-Length: 99999999999999999999999\r\n", "413"),
    ("leading-comma", "Content-Length: ,1\r\n", "400"), ("tab-inside", "Content-Length: 1\t1\r\n", "400"),
]:
    case(f"cl-{name}", req("POST /healthz HTTP/1.1", value, "ab"), status)
# Over the server's 1 MiB limit: refused before the content is read, by any router.
case("cl-over-limit", req("POST /healthz HTTP/1.1", "Content-Length: 1048577\r\n", "ab"), "incomplete", "413")

# Transfer-Encoding obfuscations.
for name, value, status in [
    ("trailing-space", "chunked ", "accept"), ("xchunked", "xchunked", "400"), ("chunked-identity", "chunked, identity", "400"),
    ("tab", "\tchunked", "accept"), ("upper", "CHUNKED", "accept"), ("chunked-twice", "chunked, chunked", "400"),
    ("quoted", "\"chunked\"", "400"), ("param", "chunked;x=1", "400"), ("empty", "", "400"), ("gzip-only", "gzip", "400"),
    ("gzip-chunked", "gzip, chunked", "501"), ("identity", "identity", "400"), ("comma-first", ", chunked", "accept"),
    ("chunked-comma", "chunked,", "accept"), ("vertical-tab", "chunked\x0b", "400"), ("nul", "chunked\x00", "400"),
    ("chunk", "chunk", "400"), ("chunked-x", "chunked-x", "400"), ("deflate-chunked", "deflate, chunked", "501"),
]:
    case(f"te-{name}", req("POST /healthz HTTP/1.1", f"Transfer-Encoding: {value}\r\n", "0\r\n\r\n"), status)
case("te-two-fields", req("POST /healthz HTTP/1.1", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), "400")
case("te-split-fields", req("POST /healthz HTTP/1.1", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), "501")
case("te-http10", "POST /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400")

# Chunk sizes, extensions, data and trailers (RFC 9112 section 7.1).
TE = "Transfer-Encoding: chunked\r\n"
for name, body, status in [
    ("0x", "0x5\r\nhello\r\n0\r\n\r\n", "400"), ("plus", "+5\r\nhello\r\n0\r\n\r\n", "400"), ("minus", "-5\r\nhello\r\n0\r\n\r\n", "400"),
    ("leading-space", " 5\r\nhello\r\n0\r\n\r\n", "400"), ("trailing-space", "5 \r\nhello\r\n0\r\n\r\n", "400"), ("empty", "\r\nhello\r\n0\r\n\r\n", "400"),
    ("overflow", "ffffffffffffffffffff\r\n", "413"), ("g", "g\r\n", "400"),
    ("data-too-long", "5\r\nhelloXX\r\n0\r\n\r\n", "400"), ("data-bare-lf", "5\r\nhello\n0\r\n\r\n", "400"), ("size-bare-lf", "5\nhello\r\n0\r\n\r\n", "400"),
    ("ext-empty", "5;\r\nhello\r\n0\r\n\r\n", "400"), ("ext-no-value", "5;a=\r\nhello\r\n0\r\n\r\n", "400"), ("ext-open-quote", "5;a=\"b\r\nhello\r\n0\r\n\r\n", "400"),
    ("ext-space", "5;a b\r\nhello\r\n0\r\n\r\n", "400"), ("ext-ctl", "5;a=\x01\r\nhello\r\n0\r\n\r\n", "400"), ("ext-quoted", "5;a=\"b c\"\r\nhello\r\n0\r\n\r\n", "accept"),
    ("ext-bws", "5 ;a=b\r\nhello\r\n0\r\n\r\n", "accept"), ("trailer-no-colon", "5\r\nhello\r\n0\r\nBad Trailer\r\n\r\n", "400"),
    ("trailer-folded", "5\r\nhello\r\n0\r\n folded\r\n\r\n", "400"), ("trailer-bare-lf", "5\r\nhello\r\n0\r\nX: y\n\r\n", "400"),
    ("trailer-nul", "5\r\nhello\r\n0\r\nX: a\x00b\r\n\r\n", "400"), ("trailer-space-name", "5\r\nhello\r\n0\r\nX : y\r\n\r\n", "400"),
    ("uppercase-hex", "A\r\n0123456789\r\n0\r\n\r\n", "accept"),
    ("leading-zeros", "0005\r\nhello\r\n0\r\n\r\n", "accept"), ("semicolon-only-last", "0;\r\n\r\n", "400"),
]:
    # The framing error is in the content: the demo's POST /healthz (405) never reads it, answers,
    # and closes, since an unread chunked content cannot be skipped.
    case(f"chunk-{name}", req("POST /healthz HTTP/1.1", TE, body), status, demo=None if status == "accept" else "response,close")
# Content that ends early, or announces more than the limit and then ends: the reader gets 400.
case("chunk-over-limit", req("POST /healthz HTTP/1.1", TE, "100001\r\n"), "incomplete", "400,close", "response,close")
case("chunk-last-chunk-missing-crlf", req("POST /healthz HTTP/1.1", TE, "5\r\nhello\r\n0\r\nX"), "incomplete", "400,close", "response,close")

# Request lines.
for name, line, status in [
    ("double-space", "GET  /healthz HTTP/1.1", "400"), ("trailing-space", "GET /healthz HTTP/1.1 ", "400"), ("no-version", "GET /healthz", "400"),
    ("lower-version", "GET /healthz http/1.1", "400"), ("version-110", "GET /healthz HTTP/1.10", "400"), ("http2", "GET /healthz HTTP/2.0", "505"),
    ("http09", "GET /healthz HTTP/0.9", "505"), ("http12", "GET /healthz HTTP/1.2", "accept"), ("version-one-digit", "GET /healthz HTTP/1", "400"),
    ("leading-zero-version", "GET /healthz HTTP/01.1", "400"), ("tab-separator", "GET\t/healthz HTTP/1.1", "400"), ("method-paren", "G(T /healthz HTTP/1.1", "400"),
    ("method-ctl", "G\x01T /healthz HTTP/1.1", "400"), ("method-at", "GE@T /healthz HTTP/1.1", "400"), ("method-space-start", " GET /healthz HTTP/1.1", "400"),
    ("target-space", "GET /a b HTTP/1.1", "400"), ("target-fragment", "GET /a#frag HTTP/1.1", "400"), ("target-del", "GET /\x7f HTTP/1.1", "400"),
    ("target-nul", "GET /\x00 HTTP/1.1", "400"), ("target-high-byte", "GET /\xff HTTP/1.1", "400"), ("target-backslash", "GET /a\\b HTTP/1.1", "400"),
    ("target-empty", "GET  HTTP/1.1", "400"), ("authority-form", "GET t:80 HTTP/1.1", "400"), ("asterisk-get", "GET * HTTP/1.1", "400"),
    ("connect", "CONNECT t:443 HTTP/1.1", "501"), ("ftp-scheme", "GET ftp://t/ HTTP/1.1", "400"), ("userinfo", "GET http://u@t/ HTTP/1.1", "400"),
    ("empty-authority", "GET http:/// HTTP/1.1", "400"), ("percent-bad", "GET /%zz HTTP/1.1", "400"), ("percent-short", "GET /%4 HTTP/1.1", "400"),
    ("percent-end", "GET /% HTTP/1.1", "400"), ("percent-nul-encoded", "GET /%00 HTTP/1.1", "accept"), ("relative", "GET healthz HTTP/1.1", "400"),
    ("only-method", "GET", "400"), ("lowercase-method", "get /healthz HTTP/1.1", "accept"), ("long-method", "A" * 100 + " /healthz HTTP/1.1", "accept"),
]:
    case(f"line-{name}", req(line), status)

# Line endings and control characters.
for name, data, status in [
    ("bare-lf-line", "GET /healthz HTTP/1.1\nHost: t\r\n\r\n", "400"), ("bare-lf-field", "GET /healthz HTTP/1.1\r\nHost: t\n\r\n", "400"),
    ("bare-lf-end", "GET /healthz HTTP/1.1\r\nHost: t\r\n\n", "400"), ("bare-cr", "GET /healthz HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", "400"),
    ("leading-lf", "\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", "400"), ("leading-crlf-ignored", "\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", "accept"),
    ("value-nul", req("GET /healthz HTTP/1.1", "X-A: a\x00b\r\n"), "400"), ("value-soh", req("GET /healthz HTTP/1.1", "X-A: a\x01b\r\n"), "400"),
    ("value-del", req("GET /healthz HTTP/1.1", "X-A: a\x7fb\r\n"), "400"), ("value-esc", req("GET /healthz HTTP/1.1", "X-A: \x1b[31m\r\n"), "400"),
    ("value-cr", req("GET /healthz HTTP/1.1", "X-A: a\rb\r\n"), "400"), ("name-space", req("GET /healthz HTTP/1.1", "X A: b\r\n"), "400"),
    ("name-paren", req("GET /healthz HTTP/1.1", "X(A): b\r\n"), "400"), ("name-empty", req("GET /healthz HTTP/1.1", ": b\r\n"), "400"),
    ("name-space-before-colon", req("GET /healthz HTTP/1.1", "X-A : b\r\n"), "400"), ("no-colon", req("GET /healthz HTTP/1.1", "No colon\r\n"), "400"),
    ("name-nul", req("GET /healthz HTTP/1.1", "X\x00A: b\r\n"), "400"), ("name-utf8", req("GET /healthz HTTP/1.1", "X-\xc3\xa9: b\r\n"), "400"),
    ("value-obs-text", req("GET /healthz HTTP/1.1", "X-A: caf\xc3\xa9\r\n"), "accept"), ("value-tab", req("GET /healthz HTTP/1.1", "X-A: a\tb\r\n"), "accept"),
]:
    case(f"ctl-{name}", data, status)

# obs-fold (RFC 9112 section 5.2).
case("fold-space", req("GET /healthz HTTP/1.1", "X-A: a\r\n b\r\n"), "400")
case("fold-tab", req("GET /healthz HTTP/1.1", "X-A: a\r\n\tb\r\n"), "400")
case("fold-first-field", "GET /healthz HTTP/1.1\r\n Host: t\r\n\r\n", "400")

# Sizes (431, 414).
case("huge-field", req("GET /healthz HTTP/1.1", "X-Big: " + "a" * 17000 + "\r\n"), "431")
case("huge-head-many-fields", req("GET /healthz HTTP/1.1", "".join(f"X-{i}: {'v' * 200}\r\n" for i in range(90))), "431")
case("many-fields", req("GET /healthz HTTP/1.1", "".join(f"X-{i}: v\r\n" for i in range(101))), "431")
case("fields-at-limit", req("GET /healthz HTTP/1.1", "".join(f"X-{i}: v\r\n" for i in range(99))), "accept")
case("long-target", req("GET /" + "a" * 9000 + " HTTP/1.1"), "414")
case("target-at-limit", req("GET /healthz?" + "a" * 8000 + " HTTP/1.1"), "accept")
case("long-name", req("GET /healthz HTTP/1.1", "X-" + "n" * 17000 + ": v\r\n"), "431")
case("long-value-line-no-end", "GET /healthz HTTP/1.1\r\nHost: t\r\nX: " + "v" * 20000, "431")

# Host (RFC 9112 section 3.2).
for name, fields, status in [
    ("missing", "", "400"), ("duplicate", "Host: a\r\nHost: b\r\n", "400"), ("duplicate-same", "Host: a\r\nHost: a\r\n", "400"),
    ("case-duplicate", "Host: a\r\nhost: a\r\n", "400"), ("space", "Host: a b\r\n", "400"), ("slash", "Host: a/b\r\n", "400"),
    ("userinfo", "Host: u@a\r\n", "400"), ("empty", "Host:\r\n", "400"), ("bad-port", "Host: a:x\r\n", "400"), ("ipv6", "Host: [::1]:80\r\n", "accept"),
]:
    case(f"host-{name}", f"GET /healthz HTTP/1.1\r\n{fields}\r\n", status)
case("host-absolute-mismatch", "GET http://a/healthz HTTP/1.1\r\nHost: b\r\n\r\n", "accept")

# Expect.
case("expect-unknown", req("PUT /healthz HTTP/1.1", "Expect: 200-ok\r\nContent-Length: 1\r\n", "x"), "417")
case("expect-continue", req("POST /healthz HTTP/1.1", "Expect: 100-continue\r\nContent-Length: 1\r\n", "x"), "accept")

# Truncated requests: the peer stops sending (and half-closes).
case("truncated-head", "GET /healthz HTTP/1.1\r\nHost: t\r\n", "incomplete", "close")
case("truncated-line", "GET /hea", "incomplete", "close")
case("truncated-body-cl", req("POST /healthz HTTP/1.1", "Content-Length: 10\r\n", "hello"), "incomplete", "400,close", "response,close")
case("truncated-chunk", req("POST /healthz HTTP/1.1", TE, "5\r\nhel"), "incomplete", "400,close", "response,close")
case("truncated-chunk-size", req("POST /healthz HTTP/1.1", TE, "5"), "incomplete", "400,close", "response,close")

# Pipelined garbage after a valid request.
case("pipeline-garbage", req("GET /healthz HTTP/1.1") + "GARBAGE\r\n\r\n", "accept,400", "response,400")
case("pipeline-bad-version", req("GET /healthz HTTP/1.1") + "GET / HTTP/9.9\r\nHost: t\r\n\r\n", "accept,505", "response,505")
case("pipeline-smuggle", req("GET /healthz HTTP/1.1") + req("POST /healthz HTTP/1.1", "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), "accept,400", "response,400")
case("pipeline-binary", req("GET /healthz HTTP/1.1") + "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "accept,400", "response,400")
case("pipeline-two-valid", req("GET /healthz HTTP/1.1") + req("GET /healthz HTTP/1.1"), "accept,accept", "response,response")

# Other protocols on the port.
case("tls-client-hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32), "400")
case("http2-preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "505")
case("ssh-banner", "SSH-2.0-OpenSSH_9.0\r\n", "400")
case("empty-lines-only", "\r\n\r\n", "incomplete", "close")

shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
for index, (name, data, parser, live, demo) in enumerate(cases, 1):
    base = os.path.join(OUT, f"{index:03d}-{name}")
    with open(base + ".http", "wb") as f:
        f.write(data)
    with open(base + ".expect", "w") as f:
        f.write(f"parser={parser}\nlive={live}\n" + (f"demo={demo}\n" if demo else ""))
print(f"{len(cases)} cases in {os.path.relpath(OUT)}")
