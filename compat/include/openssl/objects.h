/*
 * openssl/objects.h: object identifiers and their NIDs (the numbers are in obj_mac.h).
 * Only the objects this library uses are known: names' attributes, extensions, key types,
 * curves, digests and signature algorithms. Any other OID has NID_undef (0).
 */
#ifndef FTLS_OPENSSL_OBJECTS_H
#define FTLS_OPENSSL_OBJECTS_H
#define OPENSSL_OBJECTS_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/obj_mac.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Static text for a NID: its short name ("CN") and long name ("commonName"); NULL for a NID
 * this library does not know. */
const char *OBJ_nid2sn(int n);
const char *OBJ_nid2ln(int n);

/* The NID of an object (from X509_NAME_ENTRY_get_object, X509_EXTENSION_get_object, a
 * GENERAL_NAME's registeredID); NID_undef for NULL or an unknown object. */
int OBJ_obj2nid(const ASN1_OBJECT *o);
/* The NID named by a short name, a long name or a dotted OID / by a short name / by a long
 * name; NID_undef if none. */
int OBJ_txt2nid(const char *s);
int OBJ_sn2nid(const char *s);
int OBJ_ln2nid(const char *s);
/* The object's long name, or with no_name non-zero (or when unnamed) its dotted OID, written
 * to buf (buf_len bytes, NUL-terminated, truncated to fit). Returns the full length, -1 for a
 * NULL object. */
int OBJ_obj2txt(char *buf, int buf_len, const ASN1_OBJECT *a, int no_name);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_OBJECTS_H */
