/*
 * openssl/types.h: the object types of ftls' OpenSSL-compatible library.
 *
 * Every object is opaque: programs hold pointers and call functions. The structure tags are
 * OpenSSL's own, so that a header that forward-declares `struct ssl_st;` keeps compiling.
 * A typedef here does not mean the object's functions are implemented: only the functions
 * declared in the other headers are (see docs/openssl-compat.md).
 */
#ifndef FTLS_OPENSSL_TYPES_H
#define FTLS_OPENSSL_TYPES_H
#define OPENSSL_TYPES_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/e_os2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ASN.1 values: every string-like kind is the same object, as in OpenSSL. */
typedef struct asn1_string_st ASN1_STRING;
typedef struct asn1_string_st ASN1_INTEGER;
typedef struct asn1_string_st ASN1_ENUMERATED;
typedef struct asn1_string_st ASN1_BIT_STRING;
typedef struct asn1_string_st ASN1_OCTET_STRING;
typedef struct asn1_string_st ASN1_PRINTABLESTRING;
typedef struct asn1_string_st ASN1_T61STRING;
typedef struct asn1_string_st ASN1_IA5STRING;
typedef struct asn1_string_st ASN1_GENERALSTRING;
typedef struct asn1_string_st ASN1_UNIVERSALSTRING;
typedef struct asn1_string_st ASN1_BMPSTRING;
typedef struct asn1_string_st ASN1_UTCTIME;
typedef struct asn1_string_st ASN1_TIME;
typedef struct asn1_string_st ASN1_GENERALIZEDTIME;
typedef struct asn1_string_st ASN1_VISIBLESTRING;
typedef struct asn1_string_st ASN1_UTF8STRING;
typedef int ASN1_BOOLEAN;
typedef int ASN1_NULL;
typedef struct asn1_type_st ASN1_TYPE;
typedef struct asn1_object_st ASN1_OBJECT;

/* I/O */
typedef struct bio_st BIO;
typedef struct bio_method_st BIO_METHOD;
typedef union bio_addr_st BIO_ADDR;
typedef struct bio_addrinfo_st BIO_ADDRINFO;
typedef struct buf_mem_st BUF_MEM;

/* Numbers and keys */
typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct hmac_ctx_st HMAC_CTX;
typedef struct dh_st DH;
typedef struct dsa_st DSA;
typedef struct rsa_st RSA;
typedef struct ec_key_st EC_KEY;

/* Certificates and their verification */
typedef struct x509_st X509;
typedef struct X509_algor_st X509_ALGOR;
typedef struct X509_crl_st X509_CRL;
typedef struct x509_revoked_st X509_REVOKED;
typedef struct X509_name_st X509_NAME;
typedef struct X509_name_entry_st X509_NAME_ENTRY;
typedef struct X509_extension_st X509_EXTENSION;
typedef struct X509_pubkey_st X509_PUBKEY;
typedef struct x509_store_st X509_STORE;
typedef struct x509_store_ctx_st X509_STORE_CTX;
typedef struct x509_object_st X509_OBJECT;
typedef struct x509_lookup_st X509_LOOKUP;
typedef struct x509_lookup_method_st X509_LOOKUP_METHOD;
typedef struct X509_VERIFY_PARAM_st X509_VERIFY_PARAM;
/* A subject alternative name: its layout is public in x509v3.h, as programs read it. */
typedef struct GENERAL_NAME_st GENERAL_NAME;

/* TLS */
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_cipher_st SSL_CIPHER;
typedef struct ssl_session_st SSL_SESSION;

/* Library plumbing */
typedef struct crypto_ex_data_st CRYPTO_EX_DATA;
typedef struct ossl_init_settings_st OPENSSL_INIT_SETTINGS;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;
typedef struct ossl_provider_st OSSL_PROVIDER;
typedef struct engine_st ENGINE;
typedef struct ui_method_st UI_METHOD;
typedef struct stack_st OPENSSL_STACK;

/* The callback that supplies the password of an encrypted private key. */
typedef int pem_password_cb(char *buf, int size, int rwflag, void *userdata);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_TYPES_H */
