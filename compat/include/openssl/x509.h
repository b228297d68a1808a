/*
 * openssl/x509.h: certificates, read-only. An X509 comes from the peer (SSL_get1_peer_certificate),
 * from PEM (pem.h) or from DER (d2i_X509); it is reference-counted (X509_up_ref / X509_free)
 * and may be shared between threads. Everything a certificate hands out by pointer (names,
 * entries, times, the serial, extensions) is borrowed: valid as long as the certificate.
 */
#ifndef FTLS_OPENSSL_X509_H
#define FTLS_OPENSSL_X509_H
#define OPENSSL_X509_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stdio.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/safestack.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

DEFINE_STACK_OF(X509)
DEFINE_STACK_OF(X509_NAME)
DEFINE_STACK_OF(X509_NAME_ENTRY)
DEFINE_STACK_OF(X509_EXTENSION)

/* How certificate and key files are encoded (SSL_FILETYPE_* in ssl.h are these). */
#define X509_FILETYPE_PEM 1
#define X509_FILETYPE_ASN1 2
#define X509_FILETYPE_DEFAULT 3

/* X509_get_version's values. */
#define X509_VERSION_1 0
#define X509_VERSION_2 1
#define X509_VERSION_3 2

/* X509_NAME_print_ex's flags: one separator style, then field names, spacing, order, and the
 * ASN1_STRFLGS_* escaping of values (asn1.h). XN_FLAG_COMPAT (0) prints as X509_NAME_print
 * did: "C=FR, O=Example, CN=host". */
#define XN_FLAG_SEP_MASK (0xf << 16)
#define XN_FLAG_COMPAT 0
#define XN_FLAG_SEP_COMMA_PLUS (1 << 16)
#define XN_FLAG_SEP_CPLUS_SPC (2 << 16)
#define XN_FLAG_SEP_SPLUS_SPC (3 << 16)
#define XN_FLAG_SEP_MULTILINE (4 << 16)
#define XN_FLAG_DN_REV (1 << 20)
#define XN_FLAG_FN_MASK (0x3 << 21)
#define XN_FLAG_FN_SN 0
#define XN_FLAG_FN_LN (1 << 21)
#define XN_FLAG_FN_OID (2 << 21)
#define XN_FLAG_FN_NONE (3 << 21)
#define XN_FLAG_SPC_EQ (1 << 23)
#define XN_FLAG_DUMP_UNKNOWN_FIELDS (1 << 24)
#define XN_FLAG_FN_ALIGN (1 << 25)
/* "CN=host,O=Example,C=FR" */
#define XN_FLAG_RFC2253                                                                       \
    (ASN1_STRFLGS_RFC2253 | XN_FLAG_SEP_COMMA_PLUS | XN_FLAG_DN_REV | XN_FLAG_FN_SN |          \
     XN_FLAG_DUMP_UNKNOWN_FIELDS)
/* "C = FR, O = Example, CN = host" */
#define XN_FLAG_ONELINE                                                                       \
    (ASN1_STRFLGS_RFC2253 | ASN1_STRFLGS_ESC_QUOTE | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_SPC_EQ | \
     XN_FLAG_FN_SN)
/* One "longName = value" per line, names aligned. */
#define XN_FLAG_MULTILINE                                                                     \
    (ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB | XN_FLAG_SEP_MULTILINE | XN_FLAG_SPC_EQ |  \
     XN_FLAG_FN_LN | XN_FLAG_FN_ALIGN)

/* References: X509_up_ref adds one (1, or 0 for NULL); X509_free releases one and frees the
 * certificate with its last. NULL does nothing. */
int X509_up_ref(X509 *x);
void X509_free(X509 *a);

/* DER. d2i_X509 reads one certificate from *in (len bytes): on success returns it (one
 * reference for the caller), advances *in past it and, if a is not NULL, frees *a and stores
 * it there too; on failure NULL, *in and *a unchanged, an ASN1 error queued. i2d_X509 returns
 * the encoding's length (-1 for NULL): with out NULL only that; with *out NULL a new buffer is
 * stored there (free with OPENSSL_free); otherwise the encoding is written at *out, which is
 * advanced past it. */
X509 *d2i_X509(X509 **a, const unsigned char **in, long len);
int i2d_X509(const X509 *a, unsigned char **out);

/* Fields (borrowed; NULL or 0 for a NULL certificate). */
X509_NAME *X509_get_subject_name(const X509 *a);
X509_NAME *X509_get_issuer_name(const X509 *a);
ASN1_INTEGER *X509_get_serialNumber(X509 *x);
const ASN1_INTEGER *X509_get0_serialNumber(const X509 *x);
/* 0 for v1, 2 for v3 (X509_VERSION_*). */
long X509_get_version(const X509 *x);
const ASN1_TIME *X509_get0_notBefore(const X509 *x);
const ASN1_TIME *X509_get0_notAfter(const X509 *x);
/* The same times; certificates are read-only here, do not modify them. */
ASN1_TIME *X509_getm_notBefore(const X509 *x);
ASN1_TIME *X509_getm_notAfter(const X509 *x);
#define X509_get_notBefore X509_getm_notBefore
#define X509_get_notAfter X509_getm_notAfter
/* The signature algorithm's NID (NID_sha256WithRSAEncryption, ...); NID_undef if unknown. */
int X509_get_signature_nid(const X509 *x);

/* The public key: a new reference (EVP_PKEY_free) / borrowed. NULL for NULL. */
EVP_PKEY *X509_get_pubkey(X509 *x);
EVP_PKEY *X509_get0_pubkey(const X509 *x);

/* The digest of the DER encoding with type (the fingerprint with EVP_sha256()) into md
 * (EVP_MAX_MD_SIZE bytes), its length in *len if not NULL. 1, or 0 for a NULL argument. */
int X509_digest(const X509 *data, const EVP_MD *type, unsigned char *md, unsigned int *len);
/* Compares by DER encoding: 0 if equal, else a consistent non-zero order. */
int X509_cmp(const X509 *a, const X509 *b);
/* -1 if the time is now or past, 1 if future, 0 if malformed; X509_cmp_time against *cmp_time
 * (now if NULL). */
int X509_cmp_current_time(const ASN1_TIME *s);
int X509_cmp_time(const ASN1_TIME *s, time_t *cmp_time);

/* Extensions, in certificate order (borrowed). X509_get_ext_by_NID: the index of the next of
 * type nid after lastpos (-1 to start), -1 if none, -2 for an unknown NID. */
int X509_get_ext_count(const X509 *x);
X509_EXTENSION *X509_get_ext(const X509 *x, int loc);
int X509_get_ext_by_NID(const X509 *x, int nid, int lastpos);
ASN1_OBJECT *X509_EXTENSION_get_object(X509_EXTENSION *ex);
int X509_EXTENSION_get_critical(const X509_EXTENSION *ex);
ASN1_OCTET_STRING *X509_EXTENSION_get_data(X509_EXTENSION *ne);

/* Names. X509_NAME_oneline writes "/C=FR/O=Example/CN=host" (bytes outside printable ASCII
 * as \xHH) into buf (size bytes; entries that do not fit whole are left out) and returns buf;
 * with buf NULL it returns a new string to free with OPENSSL_free. A NULL name gives
 * "NO X509_NAME"; NULL is returned for a buffer of size 0 or on allocation failure. */
char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size);
/* Prints the name under XN_FLAG_* flags, indent spaces first (and on every line for
 * XN_FLAG_MULTILINE). Returns the characters written (1 for XN_FLAG_COMPAT), -1 for a NULL
 * name, flags without a known separator, or a write failure. */
int X509_NAME_print_ex(BIO *out, const X509_NAME *nm, int indent, unsigned long flags);
int X509_NAME_print_ex_fp(FILE *fp, const X509_NAME *nm, int indent, unsigned long flags);
/* Copies the raw bytes of the first entry of type nid into buf (at most len - 1 and a NUL) and
 * returns how many were copied; with buf NULL, the value's length. -1 if there is none. */
int X509_NAME_get_text_by_NID(const X509_NAME *name, int nid, char *buf, int len);
int X509_NAME_entry_count(const X509_NAME *name);
/* Entry loc (borrowed), NULL if out of range. */
X509_NAME_ENTRY *X509_NAME_get_entry(const X509_NAME *name, int loc);
/* The index of the next entry of type nid after lastpos (-1 to start); -1 if none, -2 for an
 * unknown NID. */
int X509_NAME_get_index_by_NID(const X509_NAME *name, int nid, int lastpos);
ASN1_STRING *X509_NAME_ENTRY_get_data(const X509_NAME_ENTRY *ne);
ASN1_OBJECT *X509_NAME_ENTRY_get_object(const X509_NAME_ENTRY *ne);
/* The RDN index of the entry (shared by the entries of a multi-valued RDN). */
int X509_NAME_ENTRY_set(const X509_NAME_ENTRY *ne);
/* A copy the caller owns, and how to free one (never a name borrowed from a certificate). */
X509_NAME *X509_NAME_dup(const X509_NAME *xn);
void X509_NAME_free(X509_NAME *a);
/* Compares by DER encoding: 0 if equal, else a consistent non-zero order. */
int X509_NAME_cmp(const X509_NAME *a, const X509_NAME *b);
/* The DER encoding (borrowed) in *pder and its length in *pderlen (each optional). 1, or 0 for
 * NULL. */
int X509_NAME_get0_der(const X509_NAME *nm, const unsigned char **pder, size_t *pderlen);

#ifdef __cplusplus
}
#endif

#include <openssl/x509_vfy.h>

#endif /* FTLS_OPENSSL_X509_H */
