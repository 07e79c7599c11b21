#!/usr/bin/env bash
# Records the reference sessions in pcaps/ between two Linux endpoints: network namespaces joined by a veth pair,
# tcpdump on the server's end. Run as root from anywhere: pcaps/record.sh [OUTPUT_DIR [NAME...]] (default: this
# directory, every session; with NAMEs only those captures, e.g. tcp-request-response).
# Needs ip (iproute2), ethtool, tc (netem), tcpdump, python3, ping, arping. See pcaps/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE}"
[ $# -gt 0 ] && shift
ONLY=" $* "
# Whether a capture is to be recorded this run.
want() { [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $1 "* ]]; }
PEER="$HERE/peer.py"
PYTHON="${PYTHON:-$(command -v python3)}"

SERVER_IP=10.77.0.1
CLIENT_IP=10.77.0.2
SERVER_MAC=02:77:00:00:00:01
CLIENT_MAC=02:77:00:00:00:02
# Unique names (the PID), so two runs never collide; interface names stay within the 15-character limit.
NS_S="tcy-rec-$$-srv"
NS_C="tcy-rec-$$-cli"
IF_S="tr$$s"
IF_C="tr$$c"

cleanup() {
    ip netns pids "$NS_S" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns pids "$NS_C" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$NS_S" 2>/dev/null || true
    ip netns del "$NS_C" 2>/dev/null || true
    rm -f "/tmp/tcy-rec-$$-tcpdump.log" "/tmp/tcy-rec-$$-server.log"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "record.sh: needs root (network namespaces)" >&2; exit 2; }
mkdir -p "$OUT"

ip netns add "$NS_S"
ip netns add "$NS_C"
S() { ip netns exec "$NS_S" "$@"; }
C() { ip netns exec "$NS_C" "$@"; }
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C"
for ns in "$NS_S" "$NS_C"; do
    # No IPv6: no router solicitations, MLD or neighbour discovery in the captures.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
S ip link set "$IF_S" address "$SERVER_MAC"
C ip link set "$IF_C" address "$CLIENT_MAC"
# Offloads off on both ends: with TX checksum offload the kernel leaves checksums partial (the capture would show
# them wrong); with TSO/GSO tcpdump would see 64 KiB super-segments instead of MSS-sized wire segments, and GRO
# would merge received segments. Off, every captured frame is exactly what a real NIC would put on the wire.
S ethtool -K "$IF_S" tx off rx off tso off gso off gro off >/dev/null 2>&1 || S ethtool -K "$IF_S" tx off rx off tso off gso off
C ethtool -K "$IF_C" tx off rx off tso off gso off gro off >/dev/null 2>&1 || C ethtool -K "$IF_C" tx off rx off tso off gso off
S ip addr add "$SERVER_IP/24" dev "$IF_S"
C ip addr add "$CLIENT_IP/24" dev "$IF_C"
S ip link set lo up
C ip link set lo up
S ip link set "$IF_S" up
C ip link set "$IF_C" up

static_neighbours() {
    S ip neigh replace "$CLIENT_IP" lladdr "$CLIENT_MAC" dev "$IF_S" nud permanent
    C ip neigh replace "$SERVER_IP" lladdr "$SERVER_MAC" dev "$IF_C" nud permanent
}
dynamic_neighbours() {
    S ip neigh flush dev "$IF_S"
    C ip neigh flush dev "$IF_C"
}

TCPDUMP_PID=
start_capture() {
    local file="$OUT/$1.pcap" log="/tmp/tcy-rec-$$-tcpdump.log"
    rm -f "$file"
    # --immediate-mode: otherwise frames wait in the kernel's capture block for up to a second and are lost when
    # tcpdump is stopped. ip netns exec execs tcpdump, so $! is tcpdump's own PID (a shell function in the background would not be).
    ip netns exec "$NS_S" tcpdump -Z root -i "$IF_S" -s 0 --immediate-mode -U -n -w "$file" >"$log" 2>&1 &
    TCPDUMP_PID=$!
    for _ in $(seq 100); do grep -q 'listening on' "$log" 2>/dev/null && break; sleep 0.05; done
    sleep 0.2
}
stop_capture() {
    sleep 0.3
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
}

SERVER_PID=
start_server() {
    local fifo="/tmp/tcy-rec-$$-server.log"
    rm -f "$fifo"
    ip netns exec "$NS_S" "$PYTHON" -u "$PEER" server "$1" >"$fifo" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q ready "$fifo" 2>/dev/null && break; sleep 0.05; done
}

CLIENT_PORT=41000
tcp_session() { # NAME SCENARIO [client sysctl...]
    local name=$1 scenario=$2
    shift 2
    CLIENT_PORT=$((CLIENT_PORT + 1))
    want "$name" || return 0
    C sysctl -qw net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 net.ipv4.tcp_window_scaling=1
    [ $# -gt 0 ] && C sysctl -qw "$@"
    start_server "$scenario"
    start_capture "$name"
    C "$PYTHON" "$PEER" client "$scenario" "$CLIENT_PORT"
    wait "$SERVER_PID"
    stop_capture
    echo "recorded $name"
}

static_neighbours
tcp_session tcp-handshake-default echo
tcp_session tcp-handshake-no-timestamps echo net.ipv4.tcp_timestamps=0
tcp_session tcp-handshake-no-sack echo net.ipv4.tcp_sack=0
tcp_session tcp-handshake-no-window-scaling echo net.ipv4.tcp_window_scaling=0
tcp_session tcp-close-by-server close-server
tcp_session tcp-half-close half-close
tcp_session tcp-bulk-upload bulk-upload
tcp_session tcp-bulk-download bulk-download
tcp_session tcp-rst-abort abort
tcp_session tcp-request-response request-response

# Simultaneous close: both sides shut down at the same agreed moment (peer.py). The FINs cross on the wire only when
# neither arrives before the other is sent: with netem (20 ms each way) they always do; without it (kernels built
# without sch_netem, like the one the committed capture was made on) the session is recorded up to 5 times until
# the capture shows two FINs that acknowledge nothing of each other, else the last attempt stays ("simultaneous-ish":
# the second FIN leaves within microseconds of the first one's arrival).
NETEM=0
if S tc qdisc add dev "$IF_S" root netem delay 20ms 2>/dev/null; then
    C tc qdisc add dev "$IF_C" root netem delay 20ms
    NETEM=1
fi
for attempt in $(seq 5); do
    want tcp-close-simultaneous || break
    tcp_session tcp-close-simultaneous close-simultaneous >/dev/null
    if [ "$(tcpdump -nr "$OUT/tcp-close-simultaneous.pcap" 2>/dev/null | grep -c 'Flags \[F\.\].* ack 6,')" -ge 2 ]; then
        break
    fi
done
want tcp-close-simultaneous && echo "recorded tcp-close-simultaneous (netem $NETEM, attempt $attempt)"
if [ "$NETEM" = 1 ]; then
    S tc qdisc del dev "$IF_S" root
    C tc qdisc del dev "$IF_C" root
fi

# RST: SYN to a port nobody listens on.
CLIENT_PORT=$((CLIENT_PORT + 1))
if want tcp-rst-closed-port; then
    start_capture tcp-rst-closed-port
    C "$PYTHON" "$PEER" client closed-port "$CLIENT_PORT"
    stop_capture
    echo "recorded tcp-rst-closed-port"
fi

if want udp-echo; then
    start_server udp-echo
    start_capture udp-echo
    C "$PYTHON" "$PEER" client udp-echo 0
    wait "$SERVER_PID"
    stop_capture
    echo "recorded udp-echo"
fi

if want icmp-echo; then
    start_capture icmp-echo
    C ping -n -q -c 3 -i 0.2 -s 56 "$SERVER_IP" >/dev/null
    stop_capture
    echo "recorded icmp-echo"
fi

dynamic_neighbours
if want arp; then
    start_capture arp
    C arping -q -c 2 -w 2 -I "$IF_C" "$SERVER_IP" || true
    stop_capture
    echo "recorded arp"
fi

uname -r > "$OUT/kernel.txt"
