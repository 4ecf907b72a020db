#!/usr/bin/env bash
# Bytes a device downloads per day, and the time it takes to sync, from a
# register's repository served by nginx on 127.0.0.1 (scripts/serve.sh): a
# register lists N handsets on day 1, then CHANGES new ones a day for three
# days (a delta over its mirror, published to the repository); a phone syncs
# once on day 1 and each morning after. A measurement, not a test (see
# BENCHMARKS.md). Needs a C compiler, python3, bc and a release build:
#
#   cargo build --release -p partcert-cli
#   bash scripts/bench-sync.sh 1000000 250
#   bash scripts/bench-sync.sh 200000000 41000 compact    # ~3.2 GB of IMEIs in a temporary folder
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
P=${P:-$root/target/release/partcert}
SERVE=$root/scripts/serve.sh
n=$1; changes=$2; format=${3:-sorted}
work=$(mktemp -d); chmod 755 "$work"; cd "$work"   # nginx's workers read it
# N valid IMEIs (consecutive bodies 3 apart), fast enough for 200 million.
cat > gen.c <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int c, char **v) { long n = atol(v[1]);
  for (long i = 0; i < n; i++) { unsigned long long b = 35000000000000ULL + 3ULL * i; char d[16];
    for (int k = 13; k >= 0; k--) { d[k] = '0' + b % 10; b /= 10; }
    int s = 0; for (int k = 0; k < 14; k++) { int x = d[13 - k] - '0'; if (k % 2 == 0) { x *= 2; if (x > 9) x -= 9; } s += x; }
    d[14] = '0' + (10 - s % 10) % 10; d[15] = 0; puts(d); } }
C
cc -O2 gen.c -o gen
gen=./gen
$P root new --role blocklist --name "National register" --out root >/dev/null
$P authority new --root root.key --root-cert root.cert --role blocklist --name "Publisher" --out reg >/dev/null
$gen "$n" > imeis.txt
flags=(); [ "$format" = compact ] && flags=(--compact)
s=$(date +%s.%N)
$P blocklist new --authority reg.key --authority-cert reg.cert --sequence 1 "${flags[@]}" --imeis-from imeis.txt --out list-1 >/dev/null
$P blocklist publish --repo repo --blocklist-trust root.cert --authority reg.key --authority-cert reg.cert list-1 >/dev/null
e=$(date +%s.%N); echo "day 1 build+publish: $(echo "$e - $s" | bc) s, snapshot $(stat -c %s list-1) bytes, head $(stat -c %s repo/head.pchd) bytes"
$P blocklist apply --blocklist-trust root.cert --state mirror.pcbs --init list-1 >/dev/null
url=$(bash "$SERVE" start repo run)
trap 'bash "$SERVE" stop run' EXIT
s=$(date +%s.%N)
$P --json blocklist sync "$url" --blocklist-trust root.cert --state phone.pcbs --init > first.json || { cat first.json; exit 1; }
e=$(date +%s.%N); echo "first sync: $(echo "$e - $s" | bc) s, $(python3 -c 'import json,sys; print(json.load(open("first.json"))["bytes"])') bytes"
for day in 2 3 4; do
  python3 -c "
n=$changes; base=90000000000000+$day*1000000
def luhn(b):
  s=0
  for i,c in enumerate(reversed(b)):
    c=int(c)
    if i%2==0:
      c*=2
      if c>9: c-=9
    s+=c
  return (10-s%10)%10
for k in range(n):
  b='%014d'%(base+k); print(b+str(luhn(b)))" > day.txt
  s=$(date +%s.%N)
  $P blocklist delta --over mirror.pcbs --blocklist-trust root.cert --authority reg.key --authority-cert reg.cert \
      --sequence $day --imeis-from day.txt --out d-$day.pcbd >/dev/null
  $P blocklist apply --blocklist-trust root.cert --state mirror.pcbs d-$day.pcbd >/dev/null
  $P blocklist publish --repo repo --blocklist-trust root.cert --authority reg.key --authority-cert reg.cert d-$day.pcbd >/dev/null
  e=$(date +%s.%N); pub=$(echo "$e - $s" | bc)
  s=$(date +%s.%N)
  $P --json blocklist sync "$url" --blocklist-trust root.cert --state phone.pcbs > day.json
  e=$(date +%s.%N)
  echo "day $day: register delta+mirror+publish $pub s; delta $(stat -c %s d-$day.pcbd) bytes, head $(stat -c %s repo/head.pchd) bytes; device sync $(echo "$e - $s" | bc) s, $(python3 -c 'import json; print(json.load(open("day.json"))["bytes"])') bytes fetched"
done
cd /; rm -rf "$work"
