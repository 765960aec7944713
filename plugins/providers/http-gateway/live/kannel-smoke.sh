#!/usr/bin/env bash
# Runs the adapter against a real Kannel (Debian's `kannel` and `kannel-extras` packages) with
# a fake SMSC: sends three messages through sendsms with the URLs the adapter builds, feeds
# Kannel three inbound messages, records every call Kannel makes to the webhook, and checks
# that the adapter reads them all (tests/kannel_live.rs). Not part of CI.
#
#   apt-get install -y kannel kannel-extras
#   plugins/providers/http-gateway/live/kannel-smoke.sh [get-url|post-url]
set -euo pipefail

mode=${1:-get-url}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
fakesmsc=/usr/lib/kannel/test/fakesmsc
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

read -r admin boxport smscport sendsms hook < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

hook_url="http://127.0.0.1:$hook/hooks/k7Qx9"
if [ "$mode" = post-url ]; then
  service="post-url = \"$hook_url?id=%I\"
send-sender = true"
else
  service="get-url = \"$hook_url?id=%I&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&smsc=%i\""
fi

cat > "$work/kannel.conf" <<CONF
group = core
admin-port = $admin
admin-password = smoke
admin-interface = 127.0.0.1
smsbox-port = $boxport
box-allow-ip = "127.0.0.1"
log-file = "$work/bearerbox.log"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = sim1
port = $smscport
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $boxport
sendsms-port = $sendsms
sendsms-interface = 127.0.0.1
log-file = "$work/smsbox.log"

group = sendsms-user
username = switchboard
password = s3cret
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
$service
max-messages = 0
omit-empty = true
CONF

python3 "$here/capture.py" "$hook" "$work/capture.jsonl" & pids+=($!)
/usr/sbin/bearerbox "$work/kannel.conf" >"$work/bearerbox.out" 2>&1 & pids+=($!)
sleep 1
/usr/sbin/smsbox "$work/kannel.conf" >"$work/smsbox.out" 2>&1 & pids+=($!)
sleep 2

export KANNEL_LIVE_CONFIG="{\"style\":\"kannel\",\"sendsms_url\":\"http://127.0.0.1:$sendsms/cgi-bin/sendsms\",\"username\":\"switchboard\",\"password\":\"s3cret\",\"smsc\":[\"sim1\"],\"dlr_mask\":31}"
export KANNEL_LIVE_HOOK="$hook_url"
export KANNEL_LIVE_CAPTURE="$work/capture.jsonl"
cd "$here/../../.."

# Outbound: the fake SMSC must be connected to take them.
"$fakesmsc" -H 127.0.0.1 -r "$smscport" -i 1000 -m 0 "1 2 text x" >"$work/fake-mt.out" 2>&1 & pids+=($!)
sleep 1
cargo test -q -p provider-http-gateway --test kannel_live -- --ignored print_sendsms_urls --nocapture 2>/dev/null \
  | sed -n 's/^SENDSMS //p' | while read -r url; do
      echo "sendsms: $(curl -s "$url")"
    done
sleep 2
kill "${pids[-1]}" 2>/dev/null || true
grep 'Got message' "$work/fake-mt.out" || true

# Inbound: one fakesmsc per message (7-bit text, UCS-2).
for msg in "+5491155550123 15550000 text Hola mundo & mas" \
           "+5491155550123 15550000 ucs2 %04%1F%04%40%04%38%D8%3D%DE%00"; do
  timeout 4 "$fakesmsc" -H 127.0.0.1 -r "$smscport" -i 0.5 -m 1 "$msg" >/dev/null 2>&1 || true
done
sleep 2

cargo test -q -p provider-http-gateway --test kannel_live -- --ignored read_capture --nocapture
echo "kannel smoke ($mode): OK; logs in $work"
