#!/usr/bin/env bash
# Smoke test of the real CaServer: starts it on a free loopback port, runs the seeds' curl examples, checks the
# certificates with `openssl verify` and the CRL with `openssl crl`, and stops it. Exits non-zero on any failure.
# Needs: dotnet, curl, jq, openssl. Run from anywhere: bash samples/CaServer/smoke.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "smoke: FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -n 30 "$work/server.log" >&2; exit 1; }
step() { echo "smoke: $*"; }
for tool in curl jq openssl dotnet; do command -v "$tool" >/dev/null || fail "$tool is missing"; done

dll="$repo/samples/CaServer/bin/Release/net10.0/CaServer.dll"
[ -f "$dll" ] || dotnet build "$repo/samples/CaServer/CaServer.csproj" -c Release -nologo -v q >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))"
base="http://127.0.0.1:$port"
admin="smoke_$(openssl rand -hex 24)"
# As in production: the key-encryption key from the environment (the working directory has no appsettings.json).
kek="$(openssl rand -base64 32)"

# The server keeps its state in $work/pki.db (SQLite, the sample's default store, relative to the working directory).
start_server() {
  (cd "$work" && Pki__KeyEncryptionKey="$kek" CaServer__AdminApiKey="$admin" CaServer__PublicBaseUrl="$base" CaServer__DataDirectory="$work" \
    exec dotnet "$dll" --urls "$base" >>"$work/server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$base/api/v1/cas/" -H "Authorization: Bearer $admin" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited"
    sleep 0.5
  done
  curl -fsS -o /dev/null "$base/api/v1/cas/" -H "Authorization: Bearer $admin" || fail "the server did not come up"
}
step "starting CaServer on $base"
start_server

auth=(-H "Authorization: Bearer $admin")
json=(-H "Content-Type: application/json")
# curl helper: fail on HTTP errors, print the body
call() { local out; out="$(curl -sS --fail-with-body "$@")" || fail "curl $* -> $out"; printf '%s' "$out"; }

cas="$(call "${auth[@]}" "$base/api/v1/cas/")"
root_id="$(jq -r '.[] | select(.is_root) | .id' <<<"$cas")"
issuing_id="$(jq -r '.[] | select(.is_root | not) | .id' <<<"$cas")"
issuing_name="$(jq -r '.[] | select(.is_root | not) | .name' <<<"$cas")"
[ -n "$root_id" ] && [ -n "$issuing_id" ] || fail "no root and issuing CA"
call "$base/ca/$root_id.crt" -o "$work/root.der"
openssl x509 -inform DER -in "$work/root.der" -out "$work/root.pem"
call "$base/ca/$issuing_id.crt" -o "$work/issuing.der"
openssl x509 -inform DER -in "$work/issuing.der" -out "$work/issuing.pem"
verify() { # purpose file
  openssl verify -x509_strict -purpose "$1" -CAfile "$work/root.pem" -untrusted "$work/issuing.pem" "$2" >/dev/null \
    || fail "openssl verify $1 $2"
}

step "seed 003: issue a server certificate with a generated key"
issued="$(call -X POST "$base/api/v1/certificates/?ca_id=$issuing_id" "${auth[@]}" "${json[@]}" -d '{
    "common_name": "api.example.com",
    "subject_dn": "CN=api.example.com,O=Acme Corp,C=US",
    "certificate_type": "server",
    "key_size": 2048,
    "valid_days": 365,
    "include_private_key": true
  }')"
jq -r .certificate_pem <<<"$issued" >"$work/server.pem"
jq -e '.private_key_pem | startswith("-----BEGIN PRIVATE KEY-----")' <<<"$issued" >/dev/null || fail "no private key returned"
jq -e '.san_dns_names == ["api.example.com"]' <<<"$issued" >/dev/null || fail "no DNS SAN default"
verify sslserver "$work/server.pem"

step "seed 003: sign a CSR made by openssl req (ca_name)"
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/api.key" -out "$work/api.csr" \
  -subj "/CN=api.example.com/O=Acme Corp/C=US" 2>/dev/null
signed="$(call -X POST "$base/api/v1/certificates/sign-csr" "${auth[@]}" "${json[@]}" \
  -d "$(jq -Rs --arg type server --arg ca "$issuing_name" '{csr: ., certificate_type: $type, ca_name: $ca}' <"$work/api.csr")")"
jq -e '.private_key_pem == null' <<<"$signed" >/dev/null || fail "sign-csr returned a private key"
jq -r .certificate_pem <<<"$signed" >"$work/signed.pem"
verify sslserver "$work/signed.pem"
signed_id="$(jq -r .id <<<"$signed")"
call "${auth[@]}" "$base/api/v1/certificates/?ca_id=$issuing_id" | jq -e --arg id "$signed_id" 'map(.id) | index($id) != null' >/dev/null \
  || fail "list does not contain the signed certificate"
call "${auth[@]}" "$base/api/v1/certificates/$signed_id" | jq -e '.status == "active"' >/dev/null || fail "get"

step "seed 003: revoke (Key compromise), then 409 on a second revoke"
call -X POST "$base/api/v1/certificates/$signed_id/revoke" "${auth[@]}" "${json[@]}" -d '{"reason": "Key compromise"}' \
  | jq -e '.status == "revoked" and .revocation_reason == "KeyCompromise"' >/dev/null || fail "revoke"
code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/certificates/$signed_id/revoke" "${auth[@]}" "${json[@]}" -d '{"reason": "Key compromise"}')"
[ "$code" = 409 ] || fail "second revoke gave $code, not 409"

step "seed 000: create a request token and redeem it with an openssl CSR (no API key)"
token="$(call -X POST "$base/frontdoor/$issuing_id/certificate-request-tokens" "${auth[@]}" "${json[@]}" -d '{
    "name": "api-service-cert",
    "commonName": "api.example.com",
    "organization": "Example Corp",
    "organizationalUnit": "API Services",
    "validYears": 1
  }')"
secret="$(jq -r .token <<<"$token")"
token_id="$(jq -r .id <<<"$token")"
[[ "$secret" == crt_* ]] || fail "token secret $secret"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/user.key" -out "$work/user.csr" \
  -subj "/CN=someone-else/O=Other" 2>/dev/null
redeemed="$(call -X POST "$base/frontdoor/$issuing_id/client-certificates/token/$secret" "${json[@]}" \
  -d "$(jq -Rs '{type: "CSR", value: .}' <"$work/user.csr")")"
jq -r .certificate <<<"$redeemed" >"$work/token-client.pem"
verify sslclient "$work/token-client.pem"
openssl x509 -in "$work/token-client.pem" -noout -subject | grep -q 'CN *= *api.example.com' || fail "locked CN not applied"
call "${auth[@]}" "$base/frontdoor/$issuing_id/certificate-request-tokens/$token_id" | jq -e '.state == "used"' >/dev/null || fail "token not used"
code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/frontdoor/$issuing_id/client-certificates/token/$secret" "${json[@]}" \
  -d "$(jq -Rs '{type: "CSR", value: .}' <"$work/user.csr")")"
[ "$code" = 404 ] || fail "second redemption gave $code, not 404"

step "seeds 001/004: zone client certificates: create, list, DELETE (hold), PATCH (reactivate)"
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/zone.key" -out "$work/zone.csr" \
  -subj "/C=US/ST=CA/L=Somewhere/O=Organization/OU=Organizational Unit/CN=Cloudflare" 2>/dev/null
zone="$(call -X POST "$base/zones/$issuing_id/client_certificates" "${auth[@]}" "${json[@]}" \
  -d "$(jq -Rs '{csr: ., validity_days: 365}' <"$work/zone.csr")")"
jq -e '.success and .errors == [] and .result.status == "active" and .result.validity_days == 365 and .result.state == "CA"' <<<"$zone" >/dev/null \
  || fail "zone create: $zone"
zone_id="$(jq -r .result.id <<<"$zone")"
jq -r .result.certificate <<<"$zone" >"$work/zone.pem"
verify sslclient "$work/zone.pem"
call "${auth[@]}" "$base/zones/$issuing_id/client_certificates?per_page=50" \
  | jq -e --arg id "$zone_id" '.success and (.result | map(.id) | index($id) != null) and .result_info.total_count >= 1' >/dev/null || fail "zone list"
call -X DELETE "${auth[@]}" "$base/zones/$issuing_id/client_certificates/$zone_id" | jq -e '.result.status == "revoked"' >/dev/null || fail "zone DELETE"

step "CRL: the held and the revoked serials are listed, signature verified by openssl crl"
call "$base/crl/$issuing_id.crl" -o "$work/issuing.crl"
openssl crl -inform DER -in "$work/issuing.crl" -CAfile "$work/issuing.pem" -noout 2>&1 | grep -q "verify OK" || fail "CRL signature"
crl_text="$(openssl crl -inform DER -in "$work/issuing.crl" -noout -text)"
for serial in "$(jq -r .serial_number <<<"$signed")" "$(jq -r .result.serial_number <<<"$zone")"; do
  grep -qi "Serial Number: *$serial" <<<"$crl_text" || fail "serial $serial not on the CRL"
done
grep -q "Certificate Hold" <<<"$crl_text" || fail "no certificateHold entry"
openssl verify -crl_check -CAfile "$work/root.pem" -untrusted "$work/issuing.pem" -CRLfile <(openssl crl -inform DER -in "$work/issuing.crl") \
  "$work/zone.pem" >/dev/null 2>&1 && fail "openssl accepted a held certificate"
# The CRL distribution point in the certificate is this server's URL, fetched by name.
cdp="$(openssl x509 -in "$work/zone.pem" -noout -ext crlDistributionPoints | grep -o 'URI:.*' | sed 's/^URI://')"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$cdp")" = 200 ] || fail "CDP $cdp not served"
call "$base/crl/$issuing_id-delta.crl" -o "$work/delta.crl"
openssl crl -inform DER -in "$work/delta.crl" -noout -text | grep -q "Delta CRL Indicator" || fail "delta CRL"
# The freshest CRL (delta CRL) URL in the certificate and in the full CRL is this server's delta route, fetched by name.
freshest="$(openssl x509 -in "$work/zone.pem" -noout -ext freshestCRL 2>/dev/null | grep -o 'URI:.*' | sed 's/^URI://' || true)"
[ -n "$freshest" ] || fail "certificate without freshestCRL"
grep -q "URI:$freshest" <<<"$crl_text" || fail "full CRL without freshestCRL $freshest"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$freshest")" = 200 ] || fail "delta CRL $freshest not served"

step "OCSP: held → revoked, after PATCH → good"
openssl ocsp -issuer "$work/issuing.pem" -cert "$work/zone.pem" -reqout "$work/req.der" -no_nonce >/dev/null 2>&1
ocsp_status() {
  curl -sS --fail -X POST -H "Content-Type: application/ocsp-request" --data-binary @"$work/req.der" "$base/ocsp/$issuing_id" -o "$work/resp.der" \
    || fail "OCSP POST"
  openssl ocsp -respin "$work/resp.der" -issuer "$work/issuing.pem" -CAfile "$work/root.pem" -verify_other "$work/issuing.pem" -cert "$work/zone.pem" -no_nonce 2>&1 || true
}
out="$(ocsp_status)"; grep -q "zone.pem: revoked" <<<"$out" || fail "OCSP does not say revoked: $out"
call -X PATCH "${auth[@]}" "$base/zones/$issuing_id/client_certificates/$zone_id" | jq -e '.result.status == "active"' >/dev/null || fail "zone PATCH"
ocsp_status | grep -q "zone.pem: good" || fail "OCSP does not say good after reactivation"
out="$(ocsp_status)"; grep -q "Response verify OK" <<<"$out" || fail "OCSP response does not verify: $out"

step "errors: 401 without key, 400 malformed JSON, 413 oversized body"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$base/api/v1/certificates/")" = 401 ] || fail "no 401"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "${auth[@]}" "${json[@]}" -d '{not json' "$base/api/v1/certificates/sign-csr")" = 400 ] || fail "no 400"
head -c 2000000 /dev/zero | tr '\0' 'a' >"$work/big.json"
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "${auth[@]}" "${json[@]}" --data-binary @"$work/big.json" "$base/api/v1/certificates/sign-csr")" = 413 ] || fail "no 413"

step "restart: the CAs and certificates are still there (SQLite), and the CA keys still sign"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
[ -f "$work/pki.db" ] || fail "no pki.db in the working directory"
start_server
call "${auth[@]}" "$base/api/v1/cas/" | jq -e --arg id "$root_id" 'map(.id) | index($id) != null' >/dev/null || fail "root CA gone after restart"
call "${auth[@]}" "$base/api/v1/certificates/$signed_id" | jq -e '.status == "revoked" and .revocation_reason == "KeyCompromise"' >/dev/null \
  || fail "revoked certificate gone after restart"
call "$base/crl/$issuing_id.crl" -o "$work/issuing-after.crl"
openssl crl -inform DER -in "$work/issuing-after.crl" -noout -text | grep -qi "Serial Number: *$(jq -r .serial_number <<<"$signed")" \
  || fail "revoked serial not on the CRL after restart"
after="$(call -X POST "$base/api/v1/certificates/sign-csr" "${auth[@]}" "${json[@]}" \
  -d "$(jq -Rs --arg type server --arg ca "$issuing_name" '{csr: ., certificate_type: $type, ca_name: $ca}' <"$work/api.csr")")"
jq -r .certificate_pem <<<"$after" >"$work/after-restart.pem"
verify sslserver "$work/after-restart.pem"

step "OK"
