// Reads a WARC with warcio and prints one JSON line per record: its type, target, HTTP status, the digests its
// header declares (and the protocols it names) and the SHA-256 warcio's own reading of the payload (or, without HTTP, of the block) gives.
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { WARCParser } from "warcio";

const parser = new WARCParser(createReadStream(process.argv[2]));
for await (const record of parser) {
  const bytes = await record.readFully(false);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  console.log(JSON.stringify({
    type: record.warcType,
    uri: record.warcTargetURI ?? null,
    ip: record.warcHeader("WARC-IP-Address") ?? null,
    contentType: record.warcContentType ?? null,
    protocols: record.warcHeaders.headers.get("WARC-Protocol") ?? null,
    cipherSuite: record.warcHeader("WARC-Cipher-Suite") ?? null,
    status: record.httpHeaders ? Number(record.httpHeaders.statusCode) : null,
    declaredPayload: record.warcHeader("WARC-Payload-Digest") ?? null,
    declaredBlock: record.warcHeader("WARC-Block-Digest") ?? null,
    sha256,
    cookie: record.httpHeaders && record.warcType === "request" ? (record.httpHeaders.headers.get("Cookie") ?? null) : null,
  }));
}
