import { createSocket, type Socket } from 'node:dgram';

export interface UdpEcho {
  port: number;
  close(): Promise<void>;
}

/** A UDP server on loopback answering each datagram with `<tag>:<sender's port>:<datagram>`. */
export async function startUdpEcho(tag: string): Promise<UdpEcho> {
  const socket = createSocket('udp4');
  socket.on('message', (datagram, from) =>
    socket.send(`${tag}:${from.port}:${datagram.toString()}`, from.port, from.address),
  );
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return { port: socket.address().port, close: () => new Promise((done) => socket.close(() => done())) };
}

/** A client socket on loopback: one client address, so one session per entry point. */
export async function udpClient(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return socket;
}

/** Sends `text` to `port` and resolves with the first answer, or rejects after `timeoutMs`. */
export function udpExchange(client: Socket, port: number, text: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no UDP answer to "${text}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (datagram: Buffer) => {
      clearTimeout(timer);
      resolve(datagram.toString());
    };
    client.once('message', onMessage);
    client.send(text, port, '127.0.0.1');
  });
}
