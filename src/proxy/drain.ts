import type { Server } from 'node:http';
import type { Socket } from 'node:net';

// Draining the server on shutdown. Node's closeIdleConnections() leaves alone a
// connection that is open but has not sent a request yet (clients open spares), and
// such a connection would hold close() until the grace period ends. This tracks
// which sockets have a request in progress; on drain(), every other socket is
// closed now, and each busy one as soon as its last response ends.

export interface Drain {
  /** stop keeping connections: close those without a request now, the others when their response ends */
  drain(): void;
}

export function trackConnections(server: Server): Drain {
  const sockets = new Set<Socket>();
  const busy = new Map<Socket, number>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
  });

  server.on('request', (req, res) => {
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = (busy.get(socket) ?? 1) - 1;
      if (n > 0) {
        busy.set(socket, n);
        return;
      }
      busy.delete(socket);
      if (draining) socket.destroySoon();
    });
  });

  return {
    drain() {
      draining = true;
      for (const socket of sockets) if (!busy.has(socket)) socket.destroySoon();
    },
  };
}
