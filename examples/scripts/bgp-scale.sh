#!/usr/bin/env bash
# Full-table scale check: one sender (our bgp-speaker, originating N IPv4 /24s from a file)
# feeds N prefixes to (1) our bgp-speaker and (2) FRR 8.4 bgpd, each in its own network
# namespace pair. Reports, for each receiver, the time from Established to holding all N
# prefixes (from the sender's Established event to the receiver's End-of-RIB for ours, to
# `pfxRcd == N` polled with vtysh for FRR, ~50 ms resolution), and its peak resident memory
# (VmHWM), then the ratios.
#
#   sudo examples/scripts/bgp-scale.sh [N]        # N defaults to 1000000
#
# Needs root, iproute2, python3, FRR 8.4 (/usr/lib/frr/bgpd, vtysh) and a release build:
#   cargo build --release -p examples --bin bgp-speaker
# (or BGP_SPEAKER=/path/to/bgp-speaker). FRR's bgpd runs without zebra (-Z): both receivers
# hold the routes in their RIB only, neither installs them in the kernel.
set -euo pipefail

N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BGP_SPEAKER:-$ROOT/target/release/bgp-speaker}
[ "$(id -u)" = 0 ] || { echo "bgp-scale: needs root (network namespaces)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "bgp-scale: $BIN missing; cargo build --release -p examples --bin bgp-speaker" >&2; exit 2; }
[ -x /usr/lib/frr/bgpd ] || { echo "bgp-scale: FRR bgpd missing" >&2; exit 2; }

TAG="bs$$"
NS_S="$TAG-snd"
NS_R="$TAG-rcv"
WORK=$(mktemp -d /tmp/bgp-scale.XXXXXX)
chmod 755 "$WORK"   # bgpd runs as user frr
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for ns in "$NS_S" "$NS_R"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "${KEEP:-}" ] && echo "bgp-scale: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

ip netns add "$NS_S"
ip netns add "$NS_R"
ip link add "${TAG}a" type veth peer name "${TAG}b"
ip link set "${TAG}a" netns "$NS_S"
ip link set "${TAG}b" netns "$NS_R"
ip -n "$NS_S" addr add 10.99.0.1/24 dev "${TAG}a"
ip -n "$NS_R" addr add 10.99.0.2/24 dev "${TAG}b"
for ns in "$NS_S" "$NS_R"; do ip -n "$ns" link set lo up; done
ip -n "$NS_S" link set "${TAG}a" up
ip -n "$NS_R" link set "${TAG}b" up

echo "bgp-scale: generating $N prefixes"
python3 - "$N" > "$WORK/prefixes.txt" <<'PY'
import sys
n = int(sys.argv[1])
base = 1 << 24  # 1.0.0.0
out = sys.stdout
for i in range(n):
    a = base + (i << 8)
    out.write(f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.0/24\n")
PY

# Timestamps every JSON line of a speaker's stdout.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(now)" "$line"; done; }

start_sender() {
	local log=$1
	ip netns exec "$NS_S" "$BIN" --asn 65001 --router-id 10.99.0.1 --listen 10.99.0.1:179 \
		--peer 10.99.0.2,as=65002,passive --announce-file "$WORK/prefixes.txt" --routes summary \
		> >(stamp > "$log") 2> "$log.err" &
	SENDER=$!
	PIDS+=("$SENDER")
	for _ in $(seq 600); do grep -q '"listening"' "$log" 2>/dev/null && return 0; sleep 0.1; done
	echo "bgp-scale: sender not ready" >&2; cat "$log.err" >&2; exit 1
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# ---------------------------------------------------------------- our speaker
echo "bgp-scale: sender -> bgp-speaker"
start_sender "$WORK/sender1.log"
RLOG="$WORK/ours.log"
ip netns exec "$NS_R" "$BIN" --asn 65002 --router-id 10.99.0.2 \
	--peer 10.99.0.1,as=65001,retry=1 --routes summary > >(stamp > "$RLOG") 2> "$RLOG.err" &
OURS=$!
PIDS+=("$OURS")
deadline=$(( $(date +%s) + 600 ))
while ! grep -q "\"end_of_rib\",\"peer\":\"10.99.0.1\",\"family\":\"ipv4-unicast\",\"routes\":$N" "$RLOG" 2>/dev/null; do
	[ "$(date +%s)" -lt "$deadline" ] || { echo "bgp-scale: our speaker did not get $N routes" >&2; tail "$RLOG" "$RLOG.err" >&2; exit 1; }
	sleep 0.05
done
OURS_PID=$(ip netns pids "$NS_R" | while read -r p; do [ "$(readlink /proc/$p/exe)" = "$(readlink -f "$BIN")" ] && echo "$p"; done | head -1)
OURS_HWM=$(hwm_kib "$OURS_PID")
# Both receivers are timed from the sender's Established (same clock, same sender).
t0=$(grep '"established"' "$WORK/sender1.log" | head -1 | cut -d' ' -f1)
t1=$(grep '"end_of_rib"' "$RLOG" | grep ipv4 | head -1 | cut -d' ' -f1)
OURS_T=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
echo "bgp-scale: bgp-speaker: $N prefixes in ${OURS_T} s, VmHWM ${OURS_HWM} KiB"
stop_pid "$OURS"
stop_pid "$SENDER"

# ---------------------------------------------------------------- FRR bgpd
echo "bgp-scale: sender -> FRR bgpd"
start_sender "$WORK/sender2.log"
FRR="$WORK/frr"
install -d -o frr -g frr "$FRR"
cat > "$FRR/bgpd.conf" <<CONF
frr defaults traditional
router bgp 65002
 bgp router-id 10.99.0.2
 no bgp ebgp-requires-policy
 neighbor 10.99.0.1 remote-as 65001
 neighbor 10.99.0.1 timers connect 1
CONF
chown frr:frr "$FRR/bgpd.conf"
ip netns exec "$NS_R" /usr/lib/frr/bgpd -Z -f "$FRR/bgpd.conf" -i "$FRR/bgpd.pid" \
	--vty_socket "$FRR" --log "file:$FRR/bgpd.log" > "$FRR/bgpd.out" 2>&1 &
BGPD=$!
PIDS+=("$BGPD")
vty() { vtysh --vty_socket "$FRR" -c "$1" 2>/dev/null; }
summary() { vty 'show bgp ipv4 unicast summary json' | python3 -c '
import json, sys
try:
    p = json.load(sys.stdin)["peers"]["10.99.0.1"]
    print(p.get("state", "?"), p.get("pfxRcd", 0))
except Exception:
    print("? 0")'; }
deadline=$(( $(date +%s) + 600 ))
while :; do
	read -r state pfx < <(summary)
	[ -n "${DEBUG:-}" ] && echo "$(now) $state $pfx" >&2
	[ "$pfx" = "$N" ] && { t1=$(now); break; }
	[ "$(date +%s)" -lt "$deadline" ] || { echo "bgp-scale: FRR got $pfx of $N" >&2; tail "$FRR/bgpd.log" >&2; exit 1; }
	sleep 0.02
done
t0=$(grep '"established"' "$WORK/sender2.log" | head -1 | cut -d' ' -f1)
FRR_HWM=$(hwm_kib "$BGPD")
FRR_T=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
echo "bgp-scale: FRR bgpd:    $N prefixes in ${FRR_T} s, VmHWM ${FRR_HWM} KiB"
stop_pid "$BGPD"
stop_pid "$SENDER"

python3 - "$N" "$OURS_T" "$OURS_HWM" "$FRR_T" "$FRR_HWM" <<'PY'
import sys
n, ot, om, ft, fm = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"RESULT prefixes={n} bgp-speaker: {ot:.2f} s {om/1024:.0f} MiB | FRR bgpd: {ft:.2f} s {fm/1024:.0f} MiB"
      f" | time ratio (ours/FRR) {ot/ft:.2f} | memory ratio (ours/FRR) {om/fm:.2f}")
PY
