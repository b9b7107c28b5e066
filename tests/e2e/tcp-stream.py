#!/usr/bin/python3
"""vpnha e2e (issue 18): a long-lived TCP connection that logs every chunk.

  tcp-stream.py serve PORT LOG [INTERVAL]
      accept connections on PORT; to each, send one numbered line every
      INTERVAL s (default 0.05); log "EPOCH accept PEER:PORT" and, when a
      connection ends, "EPOCH end PEER:PORT ERROR".
  tcp-stream.py client HOST PORT LOG STOPFILE
      connect once (never reconnects) and read; log "EPOCH connected
      LOCAL:PORT" then "EPOCH recv BYTES LASTSEQ" for every chunk received
      (the time it arrived), "EPOCH closed|error WHY" when the connection
      ends; exit when STOPFILE exists (checked every 0.2 s, also while no data
      comes) or the connection ends.

One process per end, no fork per sample (inside User-Mode Linux a fork costs
10-30x more).  Times are the guest's wall clock (time.time(), the same clock as
bash's EPOCHREALTIME), so the lab script can line them up with a failover.
"""
import os
import select
import socket
import sys
import threading
import time


def log_to(path):
    f = open(path, 'a', buffering=1)

    def log(*words):
        f.write('%.3f %s\n' % (time.time(), ' '.join(str(w) for w in words)))
    return log


def feed(conn, peer, log, iv):
    seq = 0
    try:
        while True:
            seq += 1
            conn.sendall(b'%08d %s\n' % (seq, b'x' * 80))
            time.sleep(iv)
    except OSError as e:
        log('end', peer, e.errno, e.strerror)
    finally:
        conn.close()


def serve(port, path, iv):
    log = log_to(path)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port))
    s.listen(8)
    log('listening', port)
    while True:
        conn, addr = s.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = '%s:%d' % addr
        log('accept', peer)
        threading.Thread(target=feed, args=(conn, peer, log, iv), daemon=True).start()


def client(host, port, path, stop):
    log = log_to(path)
    try:
        c = socket.create_connection((host, port), timeout=10)
    except OSError as e:
        log('error', 'connect', e.strerror)
        return 1
    c.settimeout(None)
    log('connected', '%s:%d' % c.getsockname())
    last = b''
    while not os.path.exists(stop):
        r, _, _ = select.select([c], [], [], 0.2)
        if not r:
            continue
        try:
            d = c.recv(65536)
        except OSError as e:
            log('error', e.errno, e.strerror)
            return 1
        if not d:
            log('closed', 'EOF')
            return 1
        last = (last + d)[-200:]
        lines = last.split(b'\n')
        seq = lines[-2].split(b' ')[0].decode() if len(lines) > 1 else '?'
        log('recv', len(d), seq)
    log('stopped')
    c.close()
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == 'serve':
        serve(int(argv[1]), argv[2], float(argv[3]) if len(argv) > 3 else 0.05)
        return 0
    if len(argv) == 5 and argv[0] == 'client':
        return client(argv[1], int(argv[2]), argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
