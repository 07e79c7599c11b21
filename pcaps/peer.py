#!/usr/bin/env python3
"""The two Linux endpoints of pcaps/record.sh: `peer.py server SCENARIO` and `peer.py client SCENARIO PORT`.

Plain blocking sockets, so each scenario is one fixed sequence of system calls; see pcaps/README.md.
"""
import socket
import struct
import sys
import time

SERVER = "10.77.0.1"
CLIENT = "10.77.0.2"
TCP_PORT = 5001
CLOSED_PORT = 5999
UDP_PORT = 7777
UDP_CLIENT_PORT = 40100


def pattern(length, seed):
    return bytes((seed + i * 7) % 251 for i in range(length))


def recv_all(sock):
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def recv_exact(sock, length):
    data = b""
    while len(data) < length:
        more = sock.recv(length - len(data))
        if not more:
            break
        data += more
    return data


def sleep_until_agreed_moment():
    """Sleeps until the next 50 ms boundary of the wall clock at least 30 ms away: both peers (on one machine) call
    this within microseconds of each other and so wake at the same moment."""
    deadline = (int((time.time() + 0.030) / 0.050) + 1) * 0.050
    time.sleep(max(0.0, deadline - time.time()))


def listener():
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((SERVER, TCP_PORT))
    lsock.listen(8)
    print("ready", flush=True)
    conn, _ = lsock.accept()
    lsock.close()
    return conn


def server(scenario):
    if scenario == "udp-echo":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((SERVER, UDP_PORT))
        print("ready", flush=True)
        for _ in range(3):
            data, peer = sock.recvfrom(65536)
            sock.sendto(data, peer)
        sock.close()
        return
    conn = listener()
    if scenario == "echo":
        # Echo each chunk until the client's FIN, then close (the client closed first).
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
        conn.close()
    elif scenario == "close-server":
        conn.recv(65536)
        conn.sendall(b"bye\n")
        conn.close()
    elif scenario == "close-simultaneous":
        conn.recv(65536)
        conn.sendall(b"pong\n")
        sleep_until_agreed_moment()
        conn.shutdown(socket.SHUT_WR)
        recv_all(conn)
        conn.close()
    elif scenario == "half-close":
        request = recv_all(conn)
        conn.sendall(b"response to " + request)
        time.sleep(0.010)
        conn.sendall(b"second write after the peer's FIN\n")
        conn.close()
    elif scenario == "bulk-upload":
        recv_all(conn)
        conn.close()
    elif scenario == "bulk-download":
        conn.recv(65536)
        conn.sendall(pattern(256 * 1024, 3))
        conn.close()
    elif scenario == "request-response":
        # Three requests, each answered by 2000 bytes in one send: a full segment and a 552-byte tail.
        for i in range(3):
            conn.recv(65536)
            conn.sendall(pattern(2000, i))
        recv_all(conn)
        conn.close()
    elif scenario == "abort":
        conn.recv(65536)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
    else:
        raise SystemExit("unknown scenario " + scenario)


def client(scenario, port):
    if scenario == "udp-echo":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((CLIENT, UDP_CLIENT_PORT))
        for length in (16, 512, 1400):
            sock.sendto(pattern(length, length), (SERVER, UDP_PORT))
            sock.recvfrom(65536)
        sock.close()
        return
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((CLIENT, port))
    if scenario == "closed-port":
        try:
            sock.connect((SERVER, CLOSED_PORT))
        except ConnectionRefusedError:
            pass
        sock.close()
        return
    sock.connect((SERVER, TCP_PORT))
    if scenario == "echo":
        message = b"hello tachyon\n"
        sock.sendall(message)
        recv_exact(sock, len(message))
        sock.close()
    elif scenario == "close-server":
        sock.sendall(b"GET\n")
        recv_all(sock)
        sock.close()
    elif scenario == "close-simultaneous":
        sock.sendall(b"ping\n")
        recv_exact(sock, 5)
        sleep_until_agreed_moment()
        sock.shutdown(socket.SHUT_WR)
        recv_all(sock)
        sock.close()
    elif scenario == "half-close":
        sock.sendall(b"request\n")
        sock.shutdown(socket.SHUT_WR)
        recv_all(sock)
        sock.close()
    elif scenario == "bulk-upload":
        sock.sendall(pattern(1024 * 1024, 1))
        sock.shutdown(socket.SHUT_WR)
        recv_all(sock)
        sock.close()
    elif scenario == "bulk-download":
        sock.sendall(b"get\n")
        recv_all(sock)
        sock.close()
    elif scenario == "request-response":
        for i in range(3):
            sock.sendall(b"request %d\n" % i)
            recv_exact(sock, 2000)
            time.sleep(0.020)
        sock.close()
    elif scenario == "abort":
        sock.sendall(b"hello\n")
        try:
            recv_all(sock)
        except ConnectionResetError:
            pass
        sock.close()
    else:
        raise SystemExit("unknown scenario " + scenario)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2])
    else:
        client(sys.argv[2], int(sys.argv[3]))
