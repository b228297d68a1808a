/*
 * openssl/asn1.h: ASN.1 values as certificates hand them out. Every string kind, integers and
 * times are the same object, ASN1_STRING, whose layout is public (programs read ->data and
 * ->length). All of them belong to the certificate (or name) they came from: valid as long as
 * it, never freed or modified by the program.
 */
#ifndef FTLS_OPENSSL_ASN1_H
#define FTLS_OPENSSL_ASN1_H
#define OPENSSL_ASN1_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <time.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/e_os2.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value's universal tag, as ASN1_STRING_type reports it. */
#define V_ASN1_UNIVERSAL 0x00
#define V_ASN1_NEG 0x100
#define V_ASN1_BOOLEAN 1
#define V_ASN1_INTEGER 2
#define V_ASN1_NEG_INTEGER (2 | V_ASN1_NEG)
#define V_ASN1_BIT_STRING 3
#define V_ASN1_OCTET_STRING 4
#define V_ASN1_NULL 5
#define V_ASN1_OBJECT 6
#define V_ASN1_ENUMERATED 10
#define V_ASN1_UTF8STRING 12
#define V_ASN1_SEQUENCE 16
#define V_ASN1_SET 17
#define V_ASN1_NUMERICSTRING 18
#define V_ASN1_PRINTABLESTRING 19
#define V_ASN1_T61STRING 20
#define V_ASN1_TELETEXSTRING 20
#define V_ASN1_VIDEOTEXSTRING 21
#define V_ASN1_IA5STRING 22
#define V_ASN1_UTCTIME 23
#define V_ASN1_GENERALIZEDTIME 24
#define V_ASN1_GRAPHICSTRING 25
#define V_ASN1_ISO64STRING 26
#define V_ASN1_VISIBLESTRING 26
#define V_ASN1_GENERALSTRING 27
#define V_ASN1_UNIVERSALSTRING 28
#define V_ASN1_BMPSTRING 30

/* Escaping and display flags for X509_NAME_print_ex (x509.h). */
#define ASN1_STRFLGS_ESC_2253 1
#define ASN1_STRFLGS_ESC_CTRL 2
#define ASN1_STRFLGS_ESC_MSB 4
#define ASN1_STRFLGS_ESC_QUOTE 8
#define ASN1_STRFLGS_UTF8_CONVERT 0x10
#define ASN1_STRFLGS_IGNORE_TYPE 0x20
#define ASN1_STRFLGS_SHOW_TYPE 0x40
#define ASN1_STRFLGS_DUMP_ALL 0x80
#define ASN1_STRFLGS_DUMP_UNKNOWN 0x100
#define ASN1_STRFLGS_DUMP_DER 0x200
#define ASN1_STRFLGS_ESC_2254 0x400
#define ASN1_STRFLGS_RFC2253                                                                  \
    (ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB |                    \
     ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_DUMP_UNKNOWN | ASN1_STRFLGS_DUMP_DER)

/* The public layout: length bytes at data (followed by a NUL), the type (V_ASN1_*). */
struct asn1_string_st {
    int length;
    int type;
    unsigned char *data;
    long flags;
};

/* The bytes (NUL-terminated; not a copy), their number, the type; NULL / 0 for NULL. */
const unsigned char *ASN1_STRING_get0_data(const ASN1_STRING *x);
/* The pre-1.1 name of ASN1_STRING_get0_data (the bytes must not be written). */
unsigned char *ASN1_STRING_data(ASN1_STRING *x);
int ASN1_STRING_length(const ASN1_STRING *x);
int ASN1_STRING_type(const ASN1_STRING *x);
/* Converts the string to UTF-8 in a new buffer *out (NUL-terminated, free with OPENSSL_free)
 * and returns its length; -1 (and *out untouched) for NULL or bytes invalid for the type. */
int ASN1_STRING_to_UTF8(unsigned char **out, const ASN1_STRING *in);
/* Writes the bytes, each non-printable one as '.'. 1 on success, 0 on failure. */
int ASN1_STRING_print(BIO *bp, const ASN1_STRING *v);

/* Times. ASN1_TIME_print writes "Jan  2 03:04:05 2025 GMT"; on a malformed or NULL time it
 * writes "Bad time value" and returns 0; else 1 (0 on a write failure). The UTCTIME /
 * GENERALIZEDTIME forms accept only that type (0, nothing written, for another). */
int ASN1_TIME_print(BIO *bp, const ASN1_TIME *tm);
int ASN1_UTCTIME_print(BIO *bp, const ASN1_UTCTIME *tm);
int ASN1_GENERALIZEDTIME_print(BIO *bp, const ASN1_GENERALIZEDTIME *tm);
/* 1 if the time is well-formed, else 0. */
int ASN1_TIME_check(const ASN1_TIME *t);
/* Fills *tm (UTC) from the time, or from now if s is NULL. 1, or 0 if malformed. */
int ASN1_TIME_to_tm(const ASN1_TIME *s, struct tm *tm);
/* to - from, in whole days (*pday) and remaining seconds (*psec), of the same sign; NULL
 * means now. 1, or 0 if a time is malformed. */
int ASN1_TIME_diff(int *pday, int *psec, const ASN1_TIME *from, const ASN1_TIME *to);

/* Integers. ASN1_INTEGER_get: the value, 0 for NULL, -1 if it does not fit in a long.
 * ASN1_INTEGER_to_BN: the value written into bn, or a new BIGNUM (BN_free) if bn is NULL;
 * NULL for NULL. i2a_ASN1_INTEGER: writes upper-case hex by whole bytes ("00" for zero, "-"
 * before a negative value); returns the characters written, -1 on failure. */
long ASN1_INTEGER_get(const ASN1_INTEGER *a);
BIGNUM *ASN1_INTEGER_to_BN(const ASN1_INTEGER *ai, BIGNUM *bn);
int i2a_ASN1_INTEGER(BIO *bp, const ASN1_INTEGER *a);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_ASN1_H */
