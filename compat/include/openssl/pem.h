/*
 * openssl/pem.h: certificates and private keys from PEM text, in a stdio file or a BIO. Each
 * call reads the next matching PEM block and leaves the stream after it, so a loop reads every
 * certificate of a bundle; at the end, NULL with PEM_R_NO_START_LINE queued (programs clear
 * it). Private keys: PKCS#8 ("PRIVATE KEY"), PKCS#1 RSA, SEC1 EC, and encrypted PKCS#8
 * ("ENCRYPTED PRIVATE KEY", PBES2); the older "Proc-Type: 4,ENCRYPTED" form is refused.
 */
#ifndef FTLS_OPENSSL_PEM_H
#define FTLS_OPENSSL_PEM_H
#define OPENSSL_PEM_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stdio.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/types.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reason codes (ERR_GET_REASON) of the PEM library. */
#define PEM_R_BAD_DECRYPT 101
#define PEM_R_BAD_PASSWORD_READ 104
#define PEM_R_NO_START_LINE 108

/*
 * The certificate in the next "CERTIFICATE" (or "TRUSTED CERTIFICATE", "X509 CERTIFICATE")
 * block: a new reference for the caller, also stored in *x (after freeing what was there) if x
 * is not NULL. cb and u are not used (certificates are not encrypted). NULL at the end of the
 * input (PEM_R_NO_START_LINE) or for a block that is not a valid certificate.
 */
X509 *PEM_read_X509(FILE *fp, X509 **x, pem_password_cb *cb, void *u);
X509 *PEM_read_bio_X509(BIO *bp, X509 **x, pem_password_cb *cb, void *u);
/* The same: the "trusted" extras OpenSSL appends are not kept. */
X509 *PEM_read_X509_AUX(FILE *fp, X509 **x, pem_password_cb *cb, void *u);
X509 *PEM_read_bio_X509_AUX(BIO *bp, X509 **x, pem_password_cb *cb, void *u);

/*
 * The private key in the next key block (other blocks, e.g. "EC PARAMETERS" or certificates,
 * are skipped): a new key for the caller (EVP_PKEY_free), also stored in *x (after freeing
 * what was there) if x is not NULL. An encrypted key's password comes from cb(buf, size, 0, u);
 * with cb NULL, u (if not NULL) is the password as a NUL-terminated string (there is no prompt
 * on the terminal). NULL on failure, with OpenSSL 3.0's records queued: no key, DECODER
 * "unsupported"; no password, PEM_R_BAD_PASSWORD_READ; a wrong password, Provider "bad
 * decrypt" then PKCS12 "pkcs12 cipherfinal error"; an encryption this library does not
 * decrypt, PEM_R_BAD_DECRYPT; a malformed key, an ASN1 error.
 */
EVP_PKEY *PEM_read_PrivateKey(FILE *fp, EVP_PKEY **x, pem_password_cb *cb, void *u);
EVP_PKEY *PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);

/* Writes the certificate as a "CERTIFICATE" PEM block: 1, or 0 for NULL or a write failure. */
int PEM_write_X509(FILE *fp, const X509 *x);
int PEM_write_bio_X509(BIO *bp, const X509 *x);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_PEM_H */
