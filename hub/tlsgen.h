/*
 * tlsgen.h - a self-signed TLS certificate for the demo and first runs, so
 * the hub can serve wss:// with no other tooling. The certificate is its own
 * CA (basicConstraints CA:TRUE), so the same cert.pem can be handed to a
 * client as --ca.
 */
#ifndef KR_TLSGEN_H
#define KR_TLSGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Make an EC P-256 key and a self-signed X.509 v3 certificate for it:
 * subject and issuer CN=kairan-hub demo, a random 128-bit serial, valid
 * from one hour ago for `days` days (1..36500), subjectAltName with every
 * entry of dns_names (host names) and ips (IPv4 or IPv6 text), CA:TRUE,
 * keyUsage digitalSignature+keyCertSign, extendedKeyUsage serverAuth and a
 * subjectKeyIdentifier, signed with ECDSA-SHA256.
 *
 * Writes the key as PKCS#8 PEM to key_path with mode 0600 and the
 * certificate as PEM to cert_path with mode 0644. Each file is written to a
 * fresh temporary name next to it (created exclusively, never following an
 * existing file), synced and renamed into place, so a reader never sees a
 * partial file and an existing file at either path is replaced. The key is
 * renamed first: if the second rename fails the pair may not match, and the
 * caller should regenerate.
 *
 * The arrays may be NULL when their count is 0; their strings are borrowed.
 * Returns true on success. On failure returns false, writes a message for
 * people into err (errlen bytes, may be 0) and leaves no temporary file.
 */
bool tlsgen_self_signed(const char *cert_path, const char *key_path, const char *const *dns_names,
                        size_t n_dns, const char *const *ips, size_t n_ips, int days, char *err,
                        size_t errlen);

/*
 * Create the directory `path` (one level, like mkdir, not mkdir -p of the
 * parents) with exactly `mode` (the umask does not narrow it). An existing
 * directory is fine and keeps its mode. Returns true when path is a
 * directory afterwards; false with a message in err otherwise (parent
 * missing, path is a file, permission denied...).
 */
bool tlsgen_ensure_dir(const char *path, mode_t mode, char *err, size_t errlen);

#endif
