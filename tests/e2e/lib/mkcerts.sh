#!/bin/bash
# mkcerts.sh -- throwaway test PKI for the milter-tlspolicy end-to-end tests.
#
# Usage:  tests/e2e/lib/mkcerts.sh DIR
#
# Creates in DIR (all RSA 2048, valid 30 days, keys 0600, nothing is ever used outside loopback tests):
#   ca.pem      ca.key       test CA            subject /O=milter-tlspolicy tests/CN=Test CA
#   server.pem  server.key   server cert        subject /CN=mx.test.invalid, SAN DNS:mx.test.invalid,
#                                               DNS:localhost, IP:127.0.0.1, IP:::1; signed by the CA
#   client.pem  client.key   client cert        subject /C=DE/O=Test Client Org/CN=client.test.invalid,
#                                               extendedKeyUsage clientAuth; signed by the CA
#   rogue.pem   rogue.key    self-signed client /C=DE/O=Rogue Org/CN=client.test.invalid (same CN as the real
#                                               client cert, but not signed by the CA: an unverifiable cert)
# Idempotent: when all eight files exist it does nothing (delete DIR to regenerate).  Takes about 1 s.
set -eu
DIR=${1:?usage: mkcerts.sh DIR}
mkdir -p "$DIR"
cd "$DIR"

all="ca.pem ca.key server.pem server.key client.pem client.key rogue.pem rogue.key"
missing=
for f in $all; do [ -s "$f" ] || missing=1; done
[ -n "$missing" ] || exit 0

umask 077
rm -f $all ./*.csr ./*.ext ./*.srl
OPENSSL=${OPENSSL:-openssl}

# CA
"$OPENSSL" req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout ca.key -out ca.pem \
  -subj "/O=milter-tlspolicy tests/CN=Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" 2>/dev/null

# server (CA-signed)
"$OPENSSL" req -new -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
  -subj "/CN=mx.test.invalid" 2>/dev/null
cat > server.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:mx.test.invalid,DNS:localhost,IP:127.0.0.1,IP:::1
authorityKeyIdentifier=keyid
EOF
"$OPENSSL" x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 30 \
  -extfile server.ext -out server.pem 2>/dev/null

# client (CA-signed)
"$OPENSSL" req -new -newkey rsa:2048 -nodes -sha256 -keyout client.key -out client.csr \
  -subj "/C=DE/O=Test Client Org/CN=client.test.invalid" 2>/dev/null
cat > client.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
authorityKeyIdentifier=keyid
EOF
"$OPENSSL" x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 30 \
  -extfile client.ext -out client.pem 2>/dev/null

# rogue client (self-signed)
"$OPENSSL" req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout rogue.key -out rogue.pem \
  -subj "/C=DE/O=Rogue Org/CN=client.test.invalid" \
  -addext "extendedKeyUsage=clientAuth" 2>/dev/null

rm -f ./*.csr ./*.ext ./*.srl
chmod 0644 ca.pem server.pem client.pem rogue.pem
chmod 0600 ca.key server.key client.key rogue.key
"$OPENSSL" verify -CAfile ca.pem server.pem client.pem >/dev/null
