/**
 * PUBLISH packets written straight to a device connection (MQTT 3.1.1 §3.3). The hub sends twin
 * responses, method requests and C2D messages itself, with packet identifiers it owns per
 * connection, so it can tell which PUBACK completes which C2D message (§4.3.2).
 */

/** MQTT 3.1.1 §2.2.3: Remaining Length, 7 bits per byte, high bit = more bytes follow. */
function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

export function encodePublish(topic: string, payload: Buffer, qos: 0 | 1, packetId?: number): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  if (qos === 1 && (packetId === undefined || packetId < 1 || packetId > 65535)) throw new Error('a QoS 1 PUBLISH needs a packet identifier 1..65535');
  const header = Buffer.alloc(2 + topicBytes.length + (qos === 1 ? 2 : 0));
  header.writeUInt16BE(topicBytes.length, 0);
  topicBytes.copy(header, 2);
  if (qos === 1) header.writeUInt16BE(packetId as number, 2 + topicBytes.length);
  // Fixed header §3.3.1: type 3, DUP 0, QoS in bits 1-2, RETAIN 0.
  const first = Buffer.from([0x30 | (qos << 1)]);
  return Buffer.concat([first, remainingLength(header.length + payload.length), header, payload]);
}
