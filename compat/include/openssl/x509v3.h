/*
 * openssl/x509v3.h: decoded certificate extensions (subject and issuer alternative names as
 * GENERAL_NAMES, basic constraints) and the name checks X509_check_host / _ip / _ip_asc /
 * _email.
 */
#ifndef FTLS_OPENSSL_X509V3_H
#define FTLS_OPENSSL_X509V3_H
#define OPENSSL_X509V3_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A GENERAL_NAME's kind. */
#define GEN_OTHERNAME 0
#define GEN_EMAIL 1
#define GEN_DNS 2
#define GEN_X400 3
#define GEN_DIRNAME 4
#define GEN_EDIPARTY 5
#define GEN_URI 6
#define GEN_IPADD 7
#define GEN_RID 8

/* The public layout programs read: the kind, then what it points at: an IA5 string for
 * GEN_EMAIL / GEN_DNS / GEN_URI, the address bytes (4 or 16) for GEN_IPADD, a name for
 * GEN_DIRNAME, an object for GEN_RID. The kinds otherName, x400Address and ediPartyName are
 * not decoded: a stack from X509_get_ext_d2i leaves them out. */
struct GENERAL_NAME_st {
    int type;
    union {
        char *ptr;
        ASN1_IA5STRING *rfc822Name;
        ASN1_IA5STRING *dNSName;
        X509_NAME *directoryName;
        ASN1_IA5STRING *uniformResourceIdentifier;
        ASN1_OCTET_STRING *iPAddress;
        ASN1_OBJECT *registeredID;
        /* The older names. */
        ASN1_OCTET_STRING *ip;
        X509_NAME *dirn;
        ASN1_IA5STRING *ia5;
        ASN1_OBJECT *rid;
    } d;
};

DEFINE_STACK_OF(GENERAL_NAME)
typedef STACK_OF(GENERAL_NAME) GENERAL_NAMES;

/* basicConstraints: ca is non-zero for a CA; pathlen is NULL when absent. */
typedef struct BASIC_CONSTRAINTS_st {
    int ca;
    ASN1_INTEGER *pathlen;
} BASIC_CONSTRAINTS;

/* Free what X509_get_ext_d2i returned: one name, a whole GENERAL_NAMES (the stack and its
 * names; sk_GENERAL_NAME_pop_free(names, GENERAL_NAME_free) is the same), basic constraints.
 * NULL does nothing. */
void GENERAL_NAME_free(GENERAL_NAME *a);
void GENERAL_NAMES_free(GENERAL_NAMES *a);
void BASIC_CONSTRAINTS_free(BASIC_CONSTRAINTS *a);

/* Decodes the extension of type nid into a new object the caller frees:
 * NID_subject_alt_name and NID_issuer_alt_name give GENERAL_NAMES *, NID_basic_constraints a
 * BASIC_CONSTRAINTS *; other types are not decoded (NULL). With idx NULL the extension must
 * appear once: absent, NULL and *crit = -1; repeated, NULL and *crit = -2. With idx, the search
 * starts after *idx and *idx is set to the index found (-1 if none). *crit (crit may be NULL)
 * is 1 or 0 for a found extension's criticality. */
void *X509_get_ext_d2i(const X509 *x, int nid, int *crit, int *idx);

/* Non-zero if the certificate is a CA (basicConstraints CA:TRUE), else 0. */
int X509_check_ca(X509 *x);

/* Flags of X509_check_host. */
#define X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT 0x1
#define X509_CHECK_FLAG_NO_WILDCARDS 0x2
#define X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS 0x4
#define X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS 0x8
#define X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS 0x10
#define X509_CHECK_FLAG_NEVER_CHECK_SUBJECT 0x20

/* Is the certificate valid for host name chk (chklen bytes, or 0 for a NUL-terminated string)?
 * Its subjectAltName DNS names are checked, and its subject's commonName when it has none (or
 * with X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT; never with X509_CHECK_FLAG_NEVER_CHECK_SUBJECT).
 * Wildcards as in OpenSSL: one '*' in the leftmost label of a name with at least three labels,
 * matching within one label (partial "f*.example.com" unless
 * X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS; none under X509_CHECK_FLAG_NO_WILDCARDS). On a match,
 * *peername (if peername is not NULL) receives the matched name, freed with OPENSSL_free.
 * 1 match, 0 no match, -2 malformed arguments (NULL, or a NUL inside chk).
 * X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS is accepted and has no effect. */
int X509_check_host(X509 *x, const char *chk, size_t chklen, unsigned int flags, char **peername);
/* Is the address among the subjectAltName IP addresses? chk is 4 (IPv4) or 16 (IPv6) bytes /
 * text ("127.0.0.1", "::1"). 1 match, 0 no match, -2 malformed arguments. */
int X509_check_ip(X509 *x, const unsigned char *chk, size_t chklen, unsigned int flags);
int X509_check_ip_asc(X509 *x, const char *ipasc, unsigned int flags);
/* Is chk among the subjectAltName e-mail addresses (or, when there are none, the subject's
 * emailAddress)? The domain is compared without case. 1, 0, or -2 as above. */
int X509_check_email(X509 *x, const char *chk, size_t chklen, unsigned int flags);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_X509V3_H */
