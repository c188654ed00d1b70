/**
 * TensorBoard event files, written in plain JS so that `arena export --format tensorboard` needs no
 * TensorFlow. No maintained npm package writes them without native code (tfjs-node's
 * `summaryFileWriter` needs the TensorFlow C library), and the format is small:
 *
 *   file    = record*, each record = u64 length, u32 masked-crc32c(length bytes), data,
 *             u32 masked-crc32c(data)                                        (TFRecord framing)
 *   masked  = ((crc >>> 15) | (crc << 17)) + 0xa282ead8                        (mod 2³²)
 *   data    = an `Event` protobuf: wall_time (1, double), step (2, int64), and either
 *             file_version (3, string "brain.Event:2", the first record) or summary (5, Summary)
 *   Summary = repeated Value (1) { tag (1, string), simple_value (2, float) }
 *
 * (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto; TFRecord framing:
 * tensorflow/core/lib/io/record_writer.cc.)
 */

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), as TFRecord uses. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC32C_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Protobuf wire encoding, just the field kinds an Event needs. */
class ProtoWriter {
  private readonly parts: number[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt(value);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (v > 0n);
  }
  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }
  double(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.parts.push(...b);
    return this;
  }
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.parts.push(...b);
    return this;
  }
  int64(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.parts.push(...value);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function record(data: Uint8Array): Uint8Array {
  const header = new Uint8Array(8);
  new DataView(header.buffer).setBigUint64(0, BigInt(data.length), true);
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  view.setUint32(8, maskedCrc32c(header), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export interface ScalarStep {
  readonly step: number;
  /** Seconds since the epoch. */
  readonly wallTime: number;
  readonly scalars: Readonly<Record<string, number>>;
}

/** The bytes of an event file: the version record, then one Event per step with its scalars. */
export function eventFile(steps: readonly ScalarStep[], startTime: number): Uint8Array {
  const records = [
    record(new ProtoWriter().double(1, startTime).string(3, 'brain.Event:2').finish()),
    ...steps.map((s) => {
      const summary = new ProtoWriter();
      for (const [tag, value] of Object.entries(s.scalars)) {
        summary.bytes(1, new ProtoWriter().string(1, tag).float(2, value).finish());
      }
      return record(
        new ProtoWriter().double(1, s.wallTime).int64(2, s.step).bytes(5, summary.finish()).finish(),
      );
    }),
  ];
  const out = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of records) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}
