#!/bin/sh
# What the seed's init container does in every Ray pod before `ray start` (KubeRay's TLS sample,
# which the seed links): copy the CA pair next to the pod's own files, make a 2048-bit key, a CSR
# carrying the pod IP as a SAN, and sign it with the CA key. Reproduced step for step so that the
# benchmark times the same openssl work; only the paths are parameters.
#   usage: POD_IP=10.0.0.7 seed-gencert.sh <ca-dir> <pod-dir>
set -eu
ca_dir=$1
dir=$2
mkdir -p "$dir"
cp "$ca_dir/ca.crt" "$ca_dir/ca.key" "$dir/"

openssl genrsa -out "$dir/tls.key" 2048 2>/dev/null

cat > "$dir/csr.conf" <<CONF
[ req ]
default_bits = 2048
prompt = no
default_md = sha256
req_extensions = req_ext
distinguished_name = dn

[ dn ]
CN = *.ray.bench

[ req_ext ]
subjectAltName = @alt_names

[ alt_names ]
DNS.1 = localhost
IP.1 = 127.0.0.1
IP.2 = $POD_IP
CONF

openssl req -new -key "$dir/tls.key" -out "$dir/tls.csr" -config "$dir/csr.conf"

cat > "$dir/cert.conf" <<CONF
authorityKeyIdentifier=keyid,issuer
basicConstraints=CA:FALSE
keyUsage = digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment
subjectAltName = @alt_names

[alt_names]
DNS.1 = localhost
IP.1 = 127.0.0.1
IP.2 = $POD_IP
CONF

openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -out "$dir/tls.crt" -days 365 -sha256 -extfile "$dir/cert.conf" 2>/dev/null
