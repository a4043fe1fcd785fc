import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as IoServer, type Socket as IoSocket } from 'socket.io';
import { io as ioClient, type Socket as IoClientSocket } from 'socket.io-client';
import WebSocket, { WebSocketServer } from 'ws';

/** A real `ws` server on 127.0.0.1 and an ephemeral port. */
export async function startWsServer(onConnection: (socket: WebSocket, userId: string) => void): Promise<{ url: string; wss: WebSocketServer; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (socket, req) => {
    const userId = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('user') ?? 'anonymous';
    onConnection(socket, userId);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Opens a client and waits until it is open. */
export async function connectWs(url: string, userId: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url}/?user=${encodeURIComponent(userId)}`);
  await once(socket, 'open');
  return socket;
}

export async function closeWs(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  const closed = once(socket, 'close');
  socket.close();
  await closed;
}

/** Sends one JSON message and resolves with the server's JSON reply. */
export async function request(socket: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  const reply = once(socket, 'message');
  socket.send(JSON.stringify(message));
  const [data] = (await reply) as [Buffer];
  return JSON.parse(String(data)) as Record<string, unknown>;
}

/** A real socket.io server on 127.0.0.1. */
export async function startIoServer(onConnection: (socket: IoSocket, userId: string) => void): Promise<{ url: string; io: IoServer; close(): Promise<void> }> {
  const http: HttpServer = createServer();
  const io = new IoServer(http);
  io.on('connection', (socket) => onConnection(socket, String(socket.handshake.auth.userId ?? 'anonymous')));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}

export async function connectIo(url: string, userId: string): Promise<IoClientSocket> {
  const socket = ioClient(url, { auth: { userId }, transports: ['websocket'], reconnection: false, forceNew: true });
  await once(socket, 'connect');
  return socket;
}

/** Polls a condition with a bounded number of attempts. */
export async function eventually(check: () => boolean, what: string, attempts = 200, delayMs = 10): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** Runs `task` for each item with at most `limit` in flight. */
export async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += limit) {
    await Promise.all(items.slice(start, start + limit).map(task));
  }
}
