/**
 * The event-file writer against the published CRC-32C check value and an independent reader of
 * the TFRecord framing and the Event / Summary protobuf fields TensorBoard reads.
 */
import { describe, expect, it } from 'vitest';
import { crc32c, eventFile, maskedCrc32c } from './tensorboard.js';

/** Reads varints, fixed64/fixed32 and length-delimited fields: enough for Event and Summary. */
function fields(bytes: Uint8Array): { field: number; value: number | bigint | Uint8Array }[] {
  const out: { field: number; value: number | bigint | Uint8Array }[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 1) {
      out.push({ field, value: view.getFloat64(at, true) });
      at += 8;
    } else if (wire === 5) {
      out.push({ field, value: view.getFloat32(at, true) });
      at += 4;
    } else if (wire === 2) {
      const n = Number(varint());
      out.push({ field, value: bytes.subarray(at, at + n) });
      at += n;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

function records(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < file.length; ) {
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(maskedCrc32c(file.subarray(at, at + 8)));
    const data = file.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true)).toBe(maskedCrc32c(data));
    out.push(data);
    at += 12 + length + 4;
  }
  return out;
}

describe('TensorBoard event files', () => {
  it('CRC-32C gives the check value of "123456789" (0xE3069283) and of 32 zero bytes (0x8A9136AA)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it('frames a version record, then one Event per step with its scalars', () => {
    const file = eventFile(
      [
        { step: 0, wallTime: 1000.5, scalars: { perStepReward: 0.25, 'reward.forward': -1.5 } },
        { step: 7, wallTime: 1002.25, scalars: { perStepReward: 1.75 } },
      ],
      1000,
    );
    const [version, ...events] = records(file);
    expect(fields(version!)).toEqual([
      { field: 1, value: 1000 },
      { field: 3, value: new TextEncoder().encode('brain.Event:2') },
    ]);
    const decoded = events.map((data) => {
      const f = fields(data);
      const summary = fields(f.find((x) => x.field === 5)!.value as Uint8Array);
      return {
        wallTime: f.find((x) => x.field === 1)!.value,
        step: f.find((x) => x.field === 2)!.value,
        scalars: Object.fromEntries(
          summary.map((v) => {
            const value = fields(v.value as Uint8Array);
            return [new TextDecoder().decode(value[0]!.value as Uint8Array), value[1]!.value];
          }),
        ),
      };
    });
    expect(decoded).toEqual([
      { wallTime: 1000.5, step: 0n, scalars: { perStepReward: 0.25, 'reward.forward': -1.5 } },
      { wallTime: 1002.25, step: 7n, scalars: { perStepReward: 1.75 } },
    ]);
  });
});
