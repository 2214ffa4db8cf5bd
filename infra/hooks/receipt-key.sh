#!/bin/sh
# azd postprovision hook: creates the vault's receipt signing key (ECDSA P-256, PKCS#8 PEM) as the Key Vault secret
# `receipt-signing-key`, once. An existing key is never replaced: receipts signed with it must keep verifying, so a
# rotation is deliberate (see docs/trusted-time.md). The key is generated in a private temporary file, sent to Key
# Vault, and removed; it is never printed.
set -eu

vault="${AZURE_KEY_VAULT_NAME:?Run this through azd (azd provision), or set AZURE_KEY_VAULT_NAME.}"
secret=receipt-signing-key

if az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output none 2>/dev/null; then
  echo "The receipt signing key already exists in Key Vault $vault; left as it is."
  exit 0
fi

umask 077
key=$(mktemp)
trap 'rm -f "$key"' EXIT
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key"
az keyvault secret set --vault-name "$vault" --name "$secret" --file "$key" --content-type application/x-pem-file --output none
echo "Created the receipt signing key in Key Vault $vault."
