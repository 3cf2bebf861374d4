#!/usr/bin/env bash
# sign-csr over HTTP: CaServer (samples/CaServer, Release) vs cfssl serve (Debian golang-cfssl), same P-256 CSRs,
# same CA key type (P-256, then RSA-2048), 1/4/16 closed-loop clients, servers alternated within one run.
# Not part of CI. Needs: dotnet, cfssl (apt-get install -y golang-cfssl), curl, openssl, python3.
#   benchmarks/HttpLoad/run.sh                 # defaults below
#   DURATION=10 WARMUP=2 ROUNDS=1 CLIENTS="1 4 16" CAS="p256 rsa2048" QUIET=0 STORAGE=InMemory benchmarks/HttpLoad/run.sh
# QUIET=0: both servers log as shipped (cfssl: INFO lines per request; CaServer: the library's one Information line per
#          issuance, ASP.NET Core at Warning). QUIET=1: cfssl -loglevel 2 and CaServer Logging:LogLevel:Default=Warning.
# Nothing is pinned: the load generator shares the cores with the server under test (the other server is idle).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}; WARMUP=${WARMUP:-2}; ROUNDS=${ROUNDS:-1}
CLIENTS=${CLIENTS:-"1 4 16"}; CAS=${CAS:-"p256 rsa2048"}; QUIET=${QUIET:-0}
# CaServer's store: InMemory (default here: `cfssl serve` keeps no database either) or Sqlite (the sample's default,
# one durable commit per issuance; a file in a fresh temporary directory per CA key type).
STORAGE=${STORAGE:-InMemory}
# Before the matrix, each server gets PREWARM seconds of load at 16 clients (not measured): .NET's tiered JIT keeps
# recompiling hot methods for ≈ 10–15 s of load after start-up, which a 2 s warm-up does not cover. cfssl (Go, compiled
# ahead of time) gets the same load. PREWARM=0 skips it.
PREWARM=${PREWARM:-15}
CF_PORT=${CF_PORT:-18888}; OUR_PORT=${OUR_PORT:-18080}
WORK=$(mktemp -d /tmp/httpload.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release "$ROOT/samples/CaServer" -v q -nologo >/dev/null
  dotnet build -c Release "$ROOT/benchmarks/HttpLoad" -v q -nologo >/dev/null
fi
LOAD="$ROOT/benchmarks/HttpLoad/bin/Release/net10.0/HttpLoad.dll"
SERVER_DIR="$ROOT/samples/CaServer/bin/Release/net10.0"

cd "$WORK"
dotnet "$LOAD" gen-csrs 256 csrs.json >/dev/null
cat > config.json <<'J'
{"signing":{"default":{"expiry":"8760h","usages":["digital signature","key encipherment","server auth"]},
 "profiles":{"server":{"expiry":"8760h","usages":["digital signature","key encipherment","server auth"]}}}}
J
for ca in p256 rsa2048; do
  case $ca in p256) key='{"algo":"ecdsa","size":256}';; rsa2048) key='{"algo":"rsa","size":2048}';; esac
  echo "{\"CN\":\"cfssl $ca CA\",\"key\":$key,\"names\":[{\"O\":\"bench\"}]}" > $ca-csr.json
  cfssl gencert -initca $ca-csr.json 2>/dev/null | python3 -c '
import json,sys; d=json.load(sys.stdin); n=sys.argv[1]
open(n+"-ca.pem","w").write(d["cert"]); open(n+"-ca-key.pem","w").write(d["key"])' $ca
done

wait_http() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "server at $1 did not start" >&2; exit 1; }

# One real request to each server; the certificate must verify against the CA (chain) it came from.
check() {
  local ca=$1
  local csr; csr=$(python3 -c 'import json;print(json.load(open("csrs.json"))[0])')
  curl -sf -X POST "http://127.0.0.1:$CF_PORT/api/v1/cfssl/sign" -H 'Content-Type: application/json' \
    -d "$(python3 -c 'import json,sys;print(json.dumps({"certificate_request":sys.argv[1],"profile":"server"}))' "$csr")" \
    | python3 -c 'import json,sys;open("cf.pem","w").write(json.load(sys.stdin)["result"]["certificate"])'
  openssl verify -CAfile $ca-ca.pem cf.pem >/dev/null
  curl -sf -X POST "http://127.0.0.1:$OUR_PORT/api/v1/certificates/sign-csr" -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer benchkey' \
    -d "$(python3 -c 'import json,sys;print(json.dumps({"csr":sys.argv[1],"certificate_type":"server","ca_name":"CaServer Issuing CA"}))' "$csr")" \
    | python3 -c 'import json,sys;d=json.load(sys.stdin);open("our.pem","w").write(d["certificate_pem"]);open("chain.pem","w").write(d["chain_pem"])'
  openssl verify -CAfile chain.pem our.pem >/dev/null
  echo "$ca: both servers return certificates that verify ($(openssl x509 -in cf.pem -noout -text | grep -m1 'Signature Algorithm' | xargs) / $(openssl x509 -in our.pem -noout -text | grep -m1 'Signature Algorithm' | xargs))" >&2
}

RESULTS=$WORK/results.tsv; : > "$RESULTS"
for ca in $CAS; do
  case $ca in p256) alg=EcdsaP256;; rsa2048) alg=Rsa2048;; esac
  cflevel=1; ourlevel=Information; [ "$QUIET" = 1 ] && { cflevel=2; ourlevel=Warning; }
  cfssl serve -address 127.0.0.1 -port $CF_PORT -ca $ca-ca.pem -ca-key $ca-ca-key.pem -config config.json \
    -loglevel $cflevel > "$WORK/cfssl-$ca.log" 2>&1 &
  PIDS+=($!)
  (cd "$SERVER_DIR" && CaServer__AdminApiKey=benchkey CaServer__DataDirectory= CaServer__Storage=$STORAGE ConnectionStrings__Pki="Data Source=$WORK/pki-$ca.db" CaServer__Issuing__KeyAlgorithm=$alg \
     Logging__LogLevel__Default=$ourlevel exec dotnet CaServer.dll --urls "http://127.0.0.1:$OUR_PORT" > "$WORK/caserver-$ca.log" 2>&1) &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$CF_PORT/"; wait_http "http://127.0.0.1:$OUR_PORT/ca/x.crt"
  check $ca
  if [ "$PREWARM" != 0 ]; then
    dotnet "$LOAD" run --target cfssl --url "http://127.0.0.1:$CF_PORT/api/v1/cfssl/sign" --csrs csrs.json \
      --clients 16 --duration "$PREWARM" --warmup 0 --label "$ca cfssl prewarm" >/dev/null 2>&1 || true
    dotnet "$LOAD" run --target caserver --url "http://127.0.0.1:$OUR_PORT/api/v1/certificates/sign-csr" --csrs csrs.json \
      --clients 16 --duration "$PREWARM" --warmup 0 --label "$ca caserver prewarm" --ca-name "CaServer Issuing CA" \
      --token benchkey >/dev/null 2>&1 || true
  fi
  for round in $(seq 1 "$ROUNDS"); do
    for c in $CLIENTS; do
      dotnet "$LOAD" run --target cfssl --url "http://127.0.0.1:$CF_PORT/api/v1/cfssl/sign" --csrs csrs.json \
        --clients $c --duration "$DURATION" --warmup "$WARMUP" --label "$ca cfssl" | grep '^RESULT' | tee -a "$RESULTS" >&2 || true
      dotnet "$LOAD" run --target caserver --url "http://127.0.0.1:$OUR_PORT/api/v1/certificates/sign-csr" --csrs csrs.json \
        --clients $c --duration "$DURATION" --warmup "$WARMUP" --label "$ca caserver" --ca-name "CaServer Issuing CA" \
        --token benchkey | grep '^RESULT' | tee -a "$RESULTS" >&2 || true
    done
  done
  cleanup; PIDS=()
done

python3 - "$RESULTS" <<'P'
import sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _, label, clients, ok, rps, p50, p99, errors, *_ = line.rstrip("\n").split("\t") + [""]
    ca, server = label.split()
    rows[(ca, int(clients), server)].append((float(rps), float(p50), float(p99), int(errors)))
print("| CA key | clients | cfssl req/s | cfssl p50 ms | cfssl p99 ms | CaServer req/s | CaServer p50 ms | CaServer p99 ms | CaServer / cfssl | errors (cfssl/ours) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for (ca, c) in sorted({(k[0], k[1]) for k in rows}, key=lambda k: (k[0] != "p256", k[1])):
    for i, (cf, us) in enumerate(zip(rows[(ca, c, "cfssl")], rows[(ca, c, "caserver")])):
        name = {"p256": "P-256", "rsa2048": "RSA-2048"}[ca]
        print(f"| {name} | {c} | {cf[0]:,.0f} | {cf[1]:.2f} | {cf[2]:.2f} | {us[0]:,.0f} | {us[1]:.2f} | {us[2]:.2f} | {us[0]/cf[0]:.2f}× | {cf[3]}/{us[3]} |")
P
