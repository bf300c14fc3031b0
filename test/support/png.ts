// Reads a PNG the way a viewer must: signature, every chunk's CRC, IHDR first and IEND last, and the
// image data inflating to exactly the bytes its header promises. Throws on anything else.
import { crc32, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function readPng(bytes: Uint8Array): { width: number; height: number; chunks: string[] } {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!data.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: bad signature');
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let bytesPerPixel = 0;
  for (let at = 8; at < data.length;) {
    const length = data.readUInt32BE(at);
    const type = data.subarray(at + 4, at + 8).toString('latin1');
    const body = data.subarray(at + 8, at + 8 + length);
    if (crc32(data.subarray(at + 4, at + 8 + length)) !== data.readUInt32BE(at + 8 + length)) throw new Error(`bad CRC in ${type}`);
    chunks.push(type);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bytesPerPixel = ((CHANNELS[body[9]!] ?? 0) * body[8]!) / 8;
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  if (chunks[0] !== 'IHDR' || chunks.at(-1) !== 'IEND') throw new Error(`chunks out of order: ${chunks.join(',')}`);
  const pixels = inflateSync(Buffer.concat(idat));
  if (pixels.length !== height * (1 + width * bytesPerPixel)) throw new Error('image data does not match the header');
  return { width, height, chunks };
}
