/*
 * openssl/evp.h: keys as handles (EVP_PKEY: type, size, curve; no key operations) and message
 * digests (EVP_MD: MD5, SHA-1, SHA-256, SHA-384, SHA-512) from the crypto provider ftls is built
 * with. Engines are not supported: every ENGINE argument must be NULL.
 */
#ifndef FTLS_OPENSSL_EVP_H
#define FTLS_OPENSSL_EVP_H
#define OPENSSL_EVP_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stddef.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The pre-1.1 initialisation calls: nothing to load, every algorithm is always there. (ssl.h
 * defines them identically, for programs that include only it.) */
#define OpenSSL_add_all_algorithms() OPENSSL_init_crypto(0, NULL)
#define OpenSSL_add_all_ciphers() OPENSSL_init_crypto(0, NULL)
#define OpenSSL_add_all_digests() OPENSSL_init_crypto(0, NULL)
#define EVP_cleanup() while (0) continue

/* The largest digest, in bytes: the size of every digest output buffer. */
#define EVP_MAX_MD_SIZE 64

/* Key types (EVP_PKEY_get_id): the NIDs of the algorithms. */
#define EVP_PKEY_NONE NID_undef
#define EVP_PKEY_RSA NID_rsaEncryption
#define EVP_PKEY_RSA_PSS NID_rsassaPss
#define EVP_PKEY_EC NID_X9_62_id_ecPublicKey
#define EVP_PKEY_ED25519 NID_ED25519
#define EVP_PKEY_ED448 NID_ED448
#define EVP_PKEY_X25519 NID_X25519
#define EVP_PKEY_X448 NID_X448


/* Keys are reference-counted and may be shared between threads: EVP_PKEY_up_ref adds a
 * reference (1, or 0 for NULL), EVP_PKEY_free releases one (NULL does nothing). */
void EVP_PKEY_free(EVP_PKEY *pkey);
int EVP_PKEY_up_ref(EVP_PKEY *pkey);
/* Size in bits: the RSA modulus, the curve's (256, 384, 521), 253 for Ed25519 and X25519, 456
 * for Ed448; 0 for NULL or an unknown key. */
int EVP_PKEY_get_bits(const EVP_PKEY *pkey);
/* The type (EVP_PKEY_RSA, EVP_PKEY_EC, ...), EVP_PKEY_NONE for NULL or an unknown key; base_id
 * is the same here. */
int EVP_PKEY_get_id(const EVP_PKEY *pkey);
int EVP_PKEY_get_base_id(const EVP_PKEY *pkey);
/* The largest signature the key makes, in bytes; 0 for NULL or an unknown key. */
int EVP_PKEY_get_size(const EVP_PKEY *pkey);
#define EVP_PKEY_bits EVP_PKEY_get_bits
#define EVP_PKEY_id EVP_PKEY_get_id
#define EVP_PKEY_base_id EVP_PKEY_get_base_id
#define EVP_PKEY_size EVP_PKEY_get_size
/* 1 if the key is of the named type ("RSA", "EC", "ED25519", or its OID), else 0. */
int EVP_PKEY_is_a(const EVP_PKEY *pkey, const char *name);
/* The type's name ("RSA", "EC", ...), static; NULL for NULL or an unknown key. */
const char *EVP_PKEY_get0_type_name(const EVP_PKEY *key);
/* An EC key's curve name ("prime256v1", "secp384r1", "secp521r1") into name (name_sz bytes,
 * NUL-terminated), its length in *gname_len if not NULL. 1; 0 for a key without a curve, NULL,
 * or a buffer too small. EVP_PKEY_get_utf8_string_param knows the parameter "group" only. */
int EVP_PKEY_get_group_name(const EVP_PKEY *pkey, char *name, size_t name_sz, size_t *gname_len);
int EVP_PKEY_get_utf8_string_param(const EVP_PKEY *pkey, const char *key_name, char *str,
                                   size_t max_buf_sz, size_t *out_sz);

/* Digest algorithms: static objects, never freed. */
const EVP_MD *EVP_md5(void);
const EVP_MD *EVP_sha1(void);
const EVP_MD *EVP_sha256(void);
const EVP_MD *EVP_sha384(void);
const EVP_MD *EVP_sha512(void);
/* By name ("SHA256", "sha256", "MD5", or the OID); NULL if not one of these. */
const EVP_MD *EVP_get_digestbyname(const char *name);
#define EVP_get_digestbynid(a) EVP_get_digestbyname(OBJ_nid2sn(a))
#define EVP_get_digestbyobj(a) EVP_get_digestbynid(OBJ_obj2nid(a))
/* Length and block size in bytes (-1 for NULL; EVP_MD_get_size then queues "message digest is
 * null"), NID, name. */
int EVP_MD_get_size(const EVP_MD *md);
int EVP_MD_get_block_size(const EVP_MD *md);
int EVP_MD_get_type(const EVP_MD *md);
const char *EVP_MD_get0_name(const EVP_MD *md);
#define EVP_MD_size EVP_MD_get_size
#define EVP_MD_block_size EVP_MD_get_block_size
#define EVP_MD_type EVP_MD_get_type
#define EVP_MD_nid EVP_MD_get_type
#define EVP_MD_name EVP_MD_get0_name

/* One-shot digest of count bytes at data into md (EVP_MAX_MD_SIZE bytes), its length in *size
 * if not NULL. 1; 0 for NULL arguments or an engine. */
int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
               const EVP_MD *type, ENGINE *impl);

/* A digest in progress, used by one thread at a time. _new makes one, _free frees it (NULL
 * does nothing), _reset empties it (1, or 0 for NULL). */
EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
int EVP_MD_CTX_reset(EVP_MD_CTX *ctx);
#define EVP_MD_CTX_create() EVP_MD_CTX_new()
#define EVP_MD_CTX_init(ctx) EVP_MD_CTX_reset((ctx))
#define EVP_MD_CTX_destroy(ctx) EVP_MD_CTX_free((ctx))
/* Starts a digest of type (NULL: the previous type): 1; 0 for NULL, no type or an engine. */
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
int EVP_DigestInit(EVP_MD_CTX *ctx, const EVP_MD *type);
/* Adds cnt bytes: 1; 0 if no digest was started. */
int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt);
/* Finishes into md (EVP_MAX_MD_SIZE bytes), its length in *s if not NULL: 1; 0 if no digest
 * was started or md is NULL. Another digest needs EVP_DigestInit_ex again. EVP_DigestFinal
 * also resets the context. */
int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
int EVP_DigestFinal(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
/* Copies a started digest's state: 1; 0 for NULL or an in not started. */
int EVP_MD_CTX_copy_ex(EVP_MD_CTX *out, const EVP_MD_CTX *in);
/* The context's digest type, NULL if none. */
const EVP_MD *EVP_MD_CTX_get0_md(const EVP_MD_CTX *ctx);
#define EVP_MD_CTX_md EVP_MD_CTX_get0_md
#define EVP_MD_CTX_get_size(e) EVP_MD_get_size(EVP_MD_CTX_get0_md(e))
#define EVP_MD_CTX_size EVP_MD_CTX_get_size

/*
 * AEAD ciphers from the crypto provider: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (static
 * objects), 12-byte nonces, 16-byte tags, one message per EVP_EncryptInit_ex /
 * EVP_DecryptInit_ex (cipher, key, nonce: each NULL keeps the previous; an ENGINE must be NULL).
 * An update with out NULL adds authenticated data; one update with out gives the message.
 * Encryption seals at that update (out as long as in) and EVP_EncryptFinal_ex writes nothing;
 * the tag then comes from EVP_CTRL_AEAD_GET_TAG. Decryption keeps the ciphertext (the update
 * writes 0 bytes), EVP_CTRL_AEAD_SET_TAG gives the tag, and EVP_DecryptFinal_ex checks it and
 * writes the whole plaintext: 1, or 0 (nothing written) when it does not match. Other calls
 * return 1, or 0 on misuse (error queued).
 */
#define EVP_CTRL_AEAD_SET_IVLEN 0x9
#define EVP_CTRL_AEAD_GET_TAG 0x10
#define EVP_CTRL_AEAD_SET_TAG 0x11
#define EVP_CTRL_GCM_SET_IVLEN EVP_CTRL_AEAD_SET_IVLEN
#define EVP_CTRL_GCM_GET_TAG EVP_CTRL_AEAD_GET_TAG
#define EVP_CTRL_GCM_SET_TAG EVP_CTRL_AEAD_SET_TAG
const EVP_CIPHER *EVP_aes_128_gcm(void);
const EVP_CIPHER *EVP_aes_256_gcm(void);
const EVP_CIPHER *EVP_chacha20_poly1305(void);
/* Key length (16 or 32), nonce length (12), NID; -1 / -1 / 0 for an unknown cipher. */
int EVP_CIPHER_get_key_length(const EVP_CIPHER *cipher);
int EVP_CIPHER_get_iv_length(const EVP_CIPHER *cipher);
int EVP_CIPHER_get_nid(const EVP_CIPHER *cipher);
#define EVP_CIPHER_key_length EVP_CIPHER_get_key_length
#define EVP_CIPHER_iv_length EVP_CIPHER_get_iv_length
#define EVP_CIPHER_nid EVP_CIPHER_get_nid
/* _new makes a context (one thread at a time), _free frees it (NULL does nothing), _reset
 * empties it (1, or 0 for NULL). */
EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void);
void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);
int EVP_CIPHER_CTX_reset(EVP_CIPHER_CTX *ctx);
int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl,
                       const unsigned char *key, const unsigned char *iv);
int EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl,
                       const unsigned char *key, const unsigned char *iv);
int EVP_EncryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl,
                      const unsigned char *in, int inl);
int EVP_DecryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl,
                      const unsigned char *in, int inl);
int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl);
int EVP_DecryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl);
/* EVP_CTRL_AEAD_SET_IVLEN (12 only), _GET_TAG / _SET_TAG (16 bytes at ptr): 1, or 0. */
int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_EVP_H */
