/*
 * openssl/ssl.h: TLS contexts (SSL_CTX) and connections (SSL), OpenSSL 3.0's API on ftls.
 *
 * The protocol is rustls' (TLS 1.2 and 1.3); what OpenSSL offers beyond that is refused by
 * design with an error that says so: SSLv3, TLS 1.0 and 1.1, renegotiation, compression, RSA
 * key exchange, DTLS, engines and providers. docs/openssl-compat.md lists every function
 * declared here and how it differs from OpenSSL, if at all.
 *
 * Objects: SSL_CTX and SSL are reference counted (_up_ref / _free). A context may be shared
 * by any number of connections and threads once set up; a connection is used by one thread
 * at a time. Results follow OpenSSL: 1 is success unless a function says otherwise; on
 * failure the reason is on the thread's error queue (openssl/err.h).
 */
#ifndef FTLS_OPENSSL_SSL_H
#define FTLS_OPENSSL_SSL_H
#define OPENSSL_SSL_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stdint.h>
#include <stdio.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ssl3.h>
#include <openssl/sslerr.h>
#include <openssl/tls1.h>
#include <openssl/types.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SSL_MAX_SSL_SESSION_ID_LENGTH 32
#define SSL_MAX_SID_CTX_LENGTH 32
#define SSL_MAX_MASTER_KEY_LENGTH 48

/* SSL_get_shutdown / SSL_set_shutdown. */
#define SSL_SENT_SHUTDOWN 1
#define SSL_RECEIVED_SHUTDOWN 2

/* File formats for the use_*_file functions. */
#define SSL_FILETYPE_PEM 1
#define SSL_FILETYPE_ASN1 2

/*
 * Options (SSL_CTX_set_options). Honoured: SSL_OP_NO_TLSv1_2, SSL_OP_NO_TLSv1_3,
 * SSL_OP_CIPHER_SERVER_PREFERENCE, SSL_OP_NO_TICKET, SSL_OP_IGNORE_UNEXPECTED_EOF. Accepted
 * because ftls already behaves that way: SSL_OP_NO_SSLv2/3, SSL_OP_NO_TLSv1, SSL_OP_NO_TLSv1_1,
 * SSL_OP_NO_COMPRESSION, SSL_OP_NO_RENEGOTIATION, SSL_OP_ALL and the bug workarounds.
 * Stored and reported, without effect: the rest (docs/openssl-compat.md).
 */
#define SSL_OP_BIT(n) ((uint64_t)1 << (uint64_t)n)
#define SSL_OP_NO_EXTENDED_MASTER_SECRET SSL_OP_BIT(0)
#define SSL_OP_CLEANSE_PLAINTEXT SSL_OP_BIT(1)
#define SSL_OP_LEGACY_SERVER_CONNECT SSL_OP_BIT(2)
#define SSL_OP_ENABLE_KTLS SSL_OP_BIT(3)
#define SSL_OP_TLSEXT_PADDING SSL_OP_BIT(4)
#define SSL_OP_SAFARI_ECDHE_ECDSA_BUG SSL_OP_BIT(6)
#define SSL_OP_IGNORE_UNEXPECTED_EOF SSL_OP_BIT(7)
#define SSL_OP_ALLOW_CLIENT_RENEGOTIATION SSL_OP_BIT(8)
#define SSL_OP_DISABLE_TLSEXT_CA_NAMES SSL_OP_BIT(9)
#define SSL_OP_ALLOW_NO_DHE_KEX SSL_OP_BIT(10)
#define SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS SSL_OP_BIT(11)
#define SSL_OP_NO_QUERY_MTU SSL_OP_BIT(12)
#define SSL_OP_COOKIE_EXCHANGE SSL_OP_BIT(13)
#define SSL_OP_NO_TICKET SSL_OP_BIT(14)
#define SSL_OP_CISCO_ANYCONNECT SSL_OP_BIT(15)
#define SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION SSL_OP_BIT(16)
#define SSL_OP_NO_COMPRESSION SSL_OP_BIT(17)
#define SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION SSL_OP_BIT(18)
#define SSL_OP_NO_ENCRYPT_THEN_MAC SSL_OP_BIT(19)
#define SSL_OP_ENABLE_MIDDLEBOX_COMPAT SSL_OP_BIT(20)
#define SSL_OP_PRIORITIZE_CHACHA SSL_OP_BIT(21)
#define SSL_OP_CIPHER_SERVER_PREFERENCE SSL_OP_BIT(22)
#define SSL_OP_TLS_ROLLBACK_BUG SSL_OP_BIT(23)
#define SSL_OP_NO_ANTI_REPLAY SSL_OP_BIT(24)
#define SSL_OP_NO_SSLv3 SSL_OP_BIT(25)
#define SSL_OP_NO_TLSv1 SSL_OP_BIT(26)
#define SSL_OP_NO_TLSv1_2 SSL_OP_BIT(27)
#define SSL_OP_NO_TLSv1_1 SSL_OP_BIT(28)
#define SSL_OP_NO_TLSv1_3 SSL_OP_BIT(29)
#define SSL_OP_NO_DTLSv1 SSL_OP_BIT(26)
#define SSL_OP_NO_DTLSv1_2 SSL_OP_BIT(27)
#define SSL_OP_NO_RENEGOTIATION SSL_OP_BIT(30)
#define SSL_OP_CRYPTOPRO_TLSEXT_BUG SSL_OP_BIT(31)
#define SSL_OP_NO_SSL_MASK \
    (SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3)
#define SSL_OP_ALL \
    (SSL_OP_CRYPTOPRO_TLSEXT_BUG | SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS | \
     SSL_OP_TLSEXT_PADDING | SSL_OP_SAFARI_ECDHE_ECDSA_BUG)
/* Options that no longer mean anything (as in OpenSSL 3.0). */
#define SSL_OP_MICROSOFT_SESS_ID_BUG 0x0
#define SSL_OP_NETSCAPE_CHALLENGE_BUG 0x0
#define SSL_OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG 0x0
#define SSL_OP_SSLREF2_REUSE_CERT_TYPE_BUG 0x0
#define SSL_OP_MICROSOFT_BIG_SSLV3_BUFFER 0x0
#define SSL_OP_MSIE_SSLV2_RSA_PADDING 0x0
#define SSL_OP_SSLEAY_080_CLIENT_DH_BUG 0x0
#define SSL_OP_TLS_D5_BUG 0x0
#define SSL_OP_TLS_BLOCK_PADDING_BUG 0x0
#define SSL_OP_SINGLE_ECDH_USE 0x0
#define SSL_OP_SINGLE_DH_USE 0x0
#define SSL_OP_EPHEMERAL_RSA 0x0
#define SSL_OP_NO_SSLv2 0x0
#define SSL_OP_PKCS1_CHECK_1 0x0
#define SSL_OP_PKCS1_CHECK_2 0x0
#define SSL_OP_NETSCAPE_CA_DN_BUG 0x0
#define SSL_OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG 0x0

/* Modes (SSL_CTX_set_mode). Honoured: ENABLE_PARTIAL_WRITE, ACCEPT_MOVING_WRITE_BUFFER (always
 * allowed: ftls never keeps the caller's buffer), AUTO_RETRY, RELEASE_BUFFERS (accepted). */
#define SSL_MODE_ENABLE_PARTIAL_WRITE 0x00000001U
#define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER 0x00000002U
#define SSL_MODE_AUTO_RETRY 0x00000004U
#define SSL_MODE_NO_AUTO_CHAIN 0x00000008U
#define SSL_MODE_RELEASE_BUFFERS 0x00000010U
#define SSL_MODE_SEND_CLIENTHELLO_TIME 0x00000020U
#define SSL_MODE_SEND_SERVERHELLO_TIME 0x00000040U
#define SSL_MODE_SEND_FALLBACK_SCSV 0x00000080U
#define SSL_MODE_ASYNC 0x00000100U

/* Session cache modes (SSL_CTX_set_session_cache_mode). */
#define SSL_SESS_CACHE_OFF 0x0000
#define SSL_SESS_CACHE_CLIENT 0x0001
#define SSL_SESS_CACHE_SERVER 0x0002
#define SSL_SESS_CACHE_BOTH (SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER)
#define SSL_SESS_CACHE_NO_AUTO_CLEAR 0x0080
#define SSL_SESS_CACHE_NO_INTERNAL_LOOKUP 0x0100
#define SSL_SESS_CACHE_NO_INTERNAL_STORE 0x0200
#define SSL_SESS_CACHE_NO_INTERNAL \
    (SSL_SESS_CACHE_NO_INTERNAL_LOOKUP | SSL_SESS_CACHE_NO_INTERNAL_STORE)
#define SSL_SESS_CACHE_UPDATE_TIME 0x0400

/* SSL_select_next_proto's results. */
#define OPENSSL_NPN_UNSUPPORTED 0
#define OPENSSL_NPN_NEGOTIATED 1
#define OPENSSL_NPN_NO_OVERLAP 2

/* SSL_want. */
#define SSL_NOTHING 1
#define SSL_WRITING 2
#define SSL_READING 3
#define SSL_X509_LOOKUP 4

/* Verification modes (SSL_CTX_set_verify). */
#define SSL_VERIFY_NONE 0x00
#define SSL_VERIFY_PEER 0x01
#define SSL_VERIFY_FAIL_IF_NO_PEER_CERT 0x02
#define SSL_VERIFY_CLIENT_ONCE 0x04
#define SSL_VERIFY_POST_HANDSHAKE 0x08

/* The info callback's `where` bits (SSL_CTX_set_info_callback). */
#define SSL_ST_CONNECT 0x1000
#define SSL_ST_ACCEPT 0x2000
#define SSL_ST_MASK 0x0FFF
#define SSL_CB_LOOP 0x01
#define SSL_CB_EXIT 0x02
#define SSL_CB_READ 0x04
#define SSL_CB_WRITE 0x08
#define SSL_CB_ALERT 0x4000
#define SSL_CB_READ_ALERT (SSL_CB_ALERT | SSL_CB_READ)
#define SSL_CB_WRITE_ALERT (SSL_CB_ALERT | SSL_CB_WRITE)
#define SSL_CB_ACCEPT_LOOP (SSL_ST_ACCEPT | SSL_CB_LOOP)
#define SSL_CB_ACCEPT_EXIT (SSL_ST_ACCEPT | SSL_CB_EXIT)
#define SSL_CB_CONNECT_LOOP (SSL_ST_CONNECT | SSL_CB_LOOP)
#define SSL_CB_CONNECT_EXIT (SSL_ST_CONNECT | SSL_CB_EXIT)
#define SSL_CB_HANDSHAKE_START 0x10
#define SSL_CB_HANDSHAKE_DONE 0x20

/* Alerts (SSL_alert_desc_string, the info callback's `ret` for SSL_CB_ALERT). */
#define SSL_AD_REASON_OFFSET 1000
#define SSL_AD_CLOSE_NOTIFY SSL3_AD_CLOSE_NOTIFY
#define SSL_AD_UNEXPECTED_MESSAGE SSL3_AD_UNEXPECTED_MESSAGE
#define SSL_AD_BAD_RECORD_MAC SSL3_AD_BAD_RECORD_MAC
#define SSL_AD_DECRYPTION_FAILED TLS1_AD_DECRYPTION_FAILED
#define SSL_AD_RECORD_OVERFLOW TLS1_AD_RECORD_OVERFLOW
#define SSL_AD_DECOMPRESSION_FAILURE SSL3_AD_DECOMPRESSION_FAILURE
#define SSL_AD_HANDSHAKE_FAILURE SSL3_AD_HANDSHAKE_FAILURE
#define SSL_AD_NO_CERTIFICATE SSL3_AD_NO_CERTIFICATE
#define SSL_AD_BAD_CERTIFICATE SSL3_AD_BAD_CERTIFICATE
#define SSL_AD_UNSUPPORTED_CERTIFICATE SSL3_AD_UNSUPPORTED_CERTIFICATE
#define SSL_AD_CERTIFICATE_REVOKED SSL3_AD_CERTIFICATE_REVOKED
#define SSL_AD_CERTIFICATE_EXPIRED SSL3_AD_CERTIFICATE_EXPIRED
#define SSL_AD_CERTIFICATE_UNKNOWN SSL3_AD_CERTIFICATE_UNKNOWN
#define SSL_AD_ILLEGAL_PARAMETER SSL3_AD_ILLEGAL_PARAMETER
#define SSL_AD_UNKNOWN_CA TLS1_AD_UNKNOWN_CA
#define SSL_AD_ACCESS_DENIED TLS1_AD_ACCESS_DENIED
#define SSL_AD_DECODE_ERROR TLS1_AD_DECODE_ERROR
#define SSL_AD_DECRYPT_ERROR TLS1_AD_DECRYPT_ERROR
#define SSL_AD_EXPORT_RESTRICTION TLS1_AD_EXPORT_RESTRICTION
#define SSL_AD_PROTOCOL_VERSION TLS1_AD_PROTOCOL_VERSION
#define SSL_AD_INSUFFICIENT_SECURITY TLS1_AD_INSUFFICIENT_SECURITY
#define SSL_AD_INTERNAL_ERROR TLS1_AD_INTERNAL_ERROR
#define SSL_AD_USER_CANCELLED TLS1_AD_USER_CANCELLED
#define SSL_AD_NO_RENEGOTIATION TLS1_AD_NO_RENEGOTIATION
#define SSL_AD_MISSING_EXTENSION TLS13_AD_MISSING_EXTENSION
#define SSL_AD_CERTIFICATE_REQUIRED TLS13_AD_CERTIFICATE_REQUIRED
#define SSL_AD_UNSUPPORTED_EXTENSION TLS1_AD_UNSUPPORTED_EXTENSION
#define SSL_AD_CERTIFICATE_UNOBTAINABLE TLS1_AD_CERTIFICATE_UNOBTAINABLE
#define SSL_AD_UNRECOGNIZED_NAME TLS1_AD_UNRECOGNIZED_NAME
#define SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE
#define SSL_AD_BAD_CERTIFICATE_HASH_VALUE TLS1_AD_BAD_CERTIFICATE_HASH_VALUE
#define SSL_AD_UNKNOWN_PSK_IDENTITY TLS1_AD_UNKNOWN_PSK_IDENTITY
#define SSL_AD_INAPPROPRIATE_FALLBACK TLS1_AD_INAPPROPRIATE_FALLBACK
#define SSL_AD_NO_APPLICATION_PROTOCOL TLS1_AD_NO_APPLICATION_PROTOCOL

/* SSL_get_error's results. */
#define SSL_ERROR_NONE 0
#define SSL_ERROR_SSL 1
#define SSL_ERROR_WANT_READ 2
#define SSL_ERROR_WANT_WRITE 3
#define SSL_ERROR_WANT_X509_LOOKUP 4
#define SSL_ERROR_SYSCALL 5
#define SSL_ERROR_ZERO_RETURN 6
#define SSL_ERROR_WANT_CONNECT 7
#define SSL_ERROR_WANT_ACCEPT 8
#define SSL_ERROR_WANT_ASYNC 9
#define SSL_ERROR_WANT_ASYNC_JOB 10
#define SSL_ERROR_WANT_CLIENT_HELLO_CB 11
#define SSL_ERROR_WANT_RETRY_VERIFY 12

/* SSL_ctrl / SSL_CTX_ctrl commands (the macros below expand to them). */
#define SSL_CTRL_SET_TMP_ECDH 4
#define SSL_CTRL_GET_CLIENT_CERT_REQUEST 9
#define SSL_CTRL_GET_NUM_RENEGOTIATIONS 10
#define SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS 11
#define SSL_CTRL_GET_TOTAL_RENEGOTIATIONS 12
#define SSL_CTRL_GET_FLAGS 13
#define SSL_CTRL_EXTRA_CHAIN_CERT 14
#define SSL_CTRL_SET_MSG_CALLBACK 15
#define SSL_CTRL_SET_MSG_CALLBACK_ARG 16
#define SSL_CTRL_SESS_NUMBER 20
#define SSL_CTRL_SESS_CONNECT 21
#define SSL_CTRL_SESS_CONNECT_GOOD 22
#define SSL_CTRL_SESS_CONNECT_RENEGOTIATE 23
#define SSL_CTRL_SESS_ACCEPT 24
#define SSL_CTRL_SESS_ACCEPT_GOOD 25
#define SSL_CTRL_SESS_ACCEPT_RENEGOTIATE 26
#define SSL_CTRL_SESS_HIT 27
#define SSL_CTRL_SESS_CB_HIT 28
#define SSL_CTRL_SESS_MISSES 29
#define SSL_CTRL_SESS_TIMEOUTS 30
#define SSL_CTRL_SESS_CACHE_FULL 31
#define SSL_CTRL_MODE 33
#define SSL_CTRL_GET_READ_AHEAD 40
#define SSL_CTRL_SET_READ_AHEAD 41
#define SSL_CTRL_SET_SESS_CACHE_SIZE 42
#define SSL_CTRL_GET_SESS_CACHE_SIZE 43
#define SSL_CTRL_SET_SESS_CACHE_MODE 44
#define SSL_CTRL_GET_SESS_CACHE_MODE 45
#define SSL_CTRL_GET_MAX_CERT_LIST 50
#define SSL_CTRL_SET_MAX_CERT_LIST 51
#define SSL_CTRL_SET_MAX_SEND_FRAGMENT 52
#define SSL_CTRL_SET_TLSEXT_SERVERNAME_CB 53
#define SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG 54
#define SSL_CTRL_SET_TLSEXT_HOSTNAME 55
#define SSL_CTRL_GET_RI_SUPPORT 76
#define SSL_CTRL_CLEAR_MODE 78
#define SSL_CTRL_GET_EXTRA_CHAIN_CERTS 82
#define SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS 83
#define SSL_CTRL_CHAIN 88
#define SSL_CTRL_CHAIN_CERT 89
#define SSL_CTRL_GET_GROUPS 90
#define SSL_CTRL_SET_GROUPS 91
#define SSL_CTRL_SET_GROUPS_LIST 92
#define SSL_CTRL_GET_SHARED_GROUP 93
#define SSL_CTRL_SET_SIGALGS 97
#define SSL_CTRL_SET_SIGALGS_LIST 98
#define SSL_CTRL_SET_CLIENT_SIGALGS_LIST 102
#define SSL_CTRL_GET_PEER_SIGNATURE_NID 108
#define SSL_CTRL_GET_PEER_TMP_KEY 109
#define SSL_CTRL_GET_CHAIN_CERTS 115
#define SSL_CTRL_SET_DH_AUTO 118
#define SSL_CTRL_GET_EXTMS_SUPPORT 122
#define SSL_CTRL_SET_MIN_PROTO_VERSION 123
#define SSL_CTRL_SET_MAX_PROTO_VERSION 124
#define SSL_CTRL_GET_MIN_PROTO_VERSION 130
#define SSL_CTRL_GET_MAX_PROTO_VERSION 131
#define SSL_CTRL_GET_SIGNATURE_NID 132
#define SSL_CTRL_GET_TMP_KEY 133
#define SSL_CTRL_GET_NEGOTIATED_GROUP 134
#define SSL_CTRL_GET_VERIFY_CERT_STORE 137

/* Initialisation: nothing needs it; these are kept for old programs. */
#define OPENSSL_INIT_NO_LOAD_SSL_STRINGS 0x00100000L
#define OPENSSL_INIT_LOAD_SSL_STRINGS 0x00200000L
#define OPENSSL_INIT_SSL_DEFAULT (OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS)
/* Returns 1; 0 (error queued) when settings is not NULL. Thread-safe, any number of calls. */
int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
#define SSL_library_init() OPENSSL_init_ssl(0, NULL)
#define SSL_load_error_strings() \
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define OpenSSL_add_ssl_algorithms() SSL_library_init()
#define SSLeay_add_ssl_algorithms() SSL_library_init()
#define OpenSSL_add_all_algorithms() OPENSSL_init_crypto(0, NULL)
#define OpenSSL_add_all_ciphers() OPENSSL_init_crypto(0, NULL)
#define OpenSSL_add_all_digests() OPENSSL_init_crypto(0, NULL)
#define EVP_cleanup() while (0) continue

/* ---- Functions ---- */

/* Methods. TLS_method serves either side (SSL_connect or SSL_accept decides); the TLSv1_2
 * methods pin TLS 1.2. TLSv1_method and TLSv1_1_method exist for old programs to link, but
 * SSL_CTX_new refuses them (SSL_R_UNSUPPORTED_PROTOCOL, "refused by design"). Static objects. */
const SSL_METHOD *TLS_method(void);
const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_server_method(void);
const SSL_METHOD *TLSv1_2_method(void);
const SSL_METHOD *TLSv1_2_client_method(void);
const SSL_METHOD *TLSv1_2_server_method(void);
const SSL_METHOD *TLSv1_method(void);
const SSL_METHOD *TLSv1_client_method(void);
const SSL_METHOD *TLSv1_server_method(void);
const SSL_METHOD *TLSv1_1_method(void);
const SSL_METHOD *TLSv1_1_client_method(void);
const SSL_METHOD *TLSv1_1_server_method(void);
#define SSLv23_method TLS_method
#define SSLv23_client_method TLS_client_method
#define SSLv23_server_method TLS_server_method

/*
 * Contexts. SSL_CTX_new returns a context with one reference (NULL with an error queued when
 * meth is NULL or refused); SSL_CTX_up_ref adds one (1; 0 for NULL); SSL_CTX_free drops one
 * (NULL does nothing). Connections keep their context alive.
 */
SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth);
int SSL_CTX_up_ref(SSL_CTX *ctx);
void SSL_CTX_free(SSL_CTX *ctx);

/* Options (SSL_OP_*): set/clear return the options now in force; get returns them. */
uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op);
uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op);
uint64_t SSL_CTX_get_options(const SSL_CTX *ctx);
uint64_t SSL_set_options(SSL *s, uint64_t op);
uint64_t SSL_clear_options(SSL *s, uint64_t op);
uint64_t SSL_get_options(const SSL *s);

/*
 * The control calls behind the macros below. Unknown commands return 0 with
 * SSL_R_INVALID_COMMAND queued. SSL_CTX_callback_ctrl takes SSL_CTRL_SET_TLSEXT_SERVERNAME_CB.
 */
long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg);
long SSL_CTX_callback_ctrl(SSL_CTX *ctx, int cmd, void (*fp)(void));
long SSL_ctrl(SSL *s, int cmd, long larg, void *parg);

#define SSL_CTX_set_mode(ctx, op) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, (op), NULL)
#define SSL_CTX_clear_mode(ctx, op) SSL_CTX_ctrl((ctx), SSL_CTRL_CLEAR_MODE, (op), NULL)
#define SSL_CTX_get_mode(ctx) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, 0, NULL)
#define SSL_set_mode(ssl, op) SSL_ctrl((ssl), SSL_CTRL_MODE, (op), NULL)
#define SSL_clear_mode(ssl, op) SSL_ctrl((ssl), SSL_CTRL_CLEAR_MODE, (op), NULL)
#define SSL_get_mode(ssl) SSL_ctrl((ssl), SSL_CTRL_MODE, 0, NULL)
#define SSL_CTX_set_min_proto_version(ctx, version) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
#define SSL_CTX_set_max_proto_version(ctx, version) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
#define SSL_CTX_get_min_proto_version(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
#define SSL_CTX_get_max_proto_version(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)
#define SSL_set_min_proto_version(s, version) \
    SSL_ctrl(s, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
#define SSL_set_max_proto_version(s, version) \
    SSL_ctrl(s, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
#define SSL_get_min_proto_version(s) SSL_ctrl(s, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
#define SSL_get_max_proto_version(s) SSL_ctrl(s, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)
#define SSL_CTX_set_session_cache_mode(ctx, m) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, m, NULL)
#define SSL_CTX_get_session_cache_mode(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_SESS_CACHE_MODE, 0, NULL)
#define SSL_CTX_sess_set_cache_size(ctx, t) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_SIZE, t, NULL)
#define SSL_CTX_sess_get_cache_size(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_SESS_CACHE_SIZE, 0, NULL)
#define SSL_CTX_set_read_ahead(ctx, m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, m, NULL)
#define SSL_CTX_get_read_ahead(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_READ_AHEAD, 0, NULL)
#define SSL_CTX_set1_groups_list(ctx, s) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, (char *)(s))
#define SSL_CTX_set1_curves_list SSL_CTX_set1_groups_list
#define SSL_set1_groups_list(s, str) SSL_ctrl(s, SSL_CTRL_SET_GROUPS_LIST, 0, (char *)(str))
#define SSL_set1_curves_list SSL_set1_groups_list
#define SSL_CTX_set1_sigalgs_list(ctx, s) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SIGALGS_LIST, 0, (char *)(s))
#define SSL_set1_sigalgs_list(s, str) SSL_ctrl(s, SSL_CTRL_SET_SIGALGS_LIST, 0, (char *)(str))
#define SSL_CTX_set_ecdh_auto(dummy, onoff) ((onoff) != 0)
#define SSL_set_ecdh_auto(dummy, onoff) ((onoff) != 0)
#define SSL_CTX_set_dh_auto(ctx, onoff) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_DH_AUTO, onoff, NULL)
#define SSL_num_renegotiations(ssl) SSL_ctrl((ssl), SSL_CTRL_GET_NUM_RENEGOTIATIONS, 0, NULL)
#define SSL_get_secure_renegotiation_support(ssl) SSL_ctrl((ssl), SSL_CTRL_GET_RI_SUPPORT, 0, NULL)

/*
 * Identity. use_certificate_file loads the first certificate of a PEM or DER (SSL_FILETYPE_*)
 * file; use_certificate_chain_file a PEM chain, leaf first; use_PrivateKey_file the key (PEM,
 * PKCS#8 / PKCS#1 / SEC1; an encrypted one asks the password callback) and refuses a key that
 * does not match a loaded certificate (X509_R_KEY_VALUES_MISMATCH). check_private_key checks
 * the pair. Each returns 1, or 0 with the reason queued (system errors for unreadable files).
 */
int SSL_CTX_use_certificate_file(SSL_CTX *ctx, const char *file, int type);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type);
int SSL_CTX_check_private_key(const SSL_CTX *ctx);
/* The callback that gives an encrypted key's password (called with rwflag 0), and its
 * userdata argument. */
void SSL_CTX_set_default_passwd_cb(SSL_CTX *ctx, pem_password_cb *cb);
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *ctx, void *u);

/*
 * Trust. load_verify_locations trusts the CA certificates of a PEM file and/or a directory
 * (OpenSSL's hashed layout or plain PEM files); load_verify_file / _dir one of them;
 * set_default_verify_paths the platform's store (SSL_CERT_FILE / SSL_CERT_DIR honoured).
 * 1, or 0 with the reason queued. get_cert_store: the context's store (borrowed, valid while
 * the context lives).
 */
int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *CAfile, const char *CApath);
int SSL_CTX_load_verify_file(SSL_CTX *ctx, const char *CAfile);
int SSL_CTX_load_verify_dir(SSL_CTX *ctx, const char *CApath);
int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);
X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *ctx);

/*
 * Verification, as OpenSSL does it. mode: SSL_VERIFY_NONE (a client still verifies and records
 * the result for SSL_get_verify_result, without failing), SSL_VERIFY_PEER (fail on a bad
 * chain; a server asks for a client certificate), SSL_VERIFY_FAIL_IF_NO_PEER_CERT (a server
 * also refuses clients without one). The callback gets preverify_ok and the X509_STORE_CTX for
 * each certificate from the top of the chain down; returning 0 fails the handshake, 1
 * accepts (the error stays recorded). Depth: the longest chain accepted below the leaf.
 */
typedef int (*SSL_verify_cb)(int preverify_ok, X509_STORE_CTX *x509_ctx);
void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb callback);
void SSL_CTX_set_verify_depth(SSL_CTX *ctx, int depth);
int SSL_CTX_get_verify_mode(const SSL_CTX *ctx);
int SSL_CTX_get_verify_depth(const SSL_CTX *ctx);
void SSL_set_verify(SSL *s, int mode, SSL_verify_cb callback);
void SSL_set_verify_depth(SSL *s, int depth);
int SSL_get_verify_mode(const SSL *s);
int SSL_get_verify_depth(const SSL *s);
/* X509_V_OK or the X509_V_ERR_* the verification of the peer found. */
long SSL_get_verify_result(const SSL *ssl);
void SSL_set_verify_result(SSL *ssl, long v);
/* The name the peer's certificate must carry (NULL or "" clears); the SNI name
 * (SSL_set_tlsext_host_name) is not checked. 1, or 0 (error queued). */
int SSL_set1_host(SSL *s, const char *hostname);
/* One more name the certificate may carry instead (NULL or "" adds none). 1, or 0. */
int SSL_add1_host(SSL *s, const char *hostname);
/* The X509_CHECK_FLAG_* values the names are checked with, as X509_check_host. */
void SSL_set_hostflags(SSL *s, unsigned int flags);

/*
 * Cipher suites. set_cipher_list takes an OpenSSL cipher string for TLS 1.2 ("HIGH:!aNULL",
 * "ECDHE+AESGCM", "DEFAULT"...), mapped onto the suites ftls has; one that selects none fails
 * (SSL_R_NO_CIPHER_MATCH). set_ciphersuites takes TLS 1.3 suite names, ':'-separated.
 * 1, or 0 with the reason queued. The SSL_ forms set one connection's lists (before its
 * handshake); its context keeps its own.
 */
int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str);
int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str);
int SSL_set_cipher_list(SSL *s, const char *str);
int SSL_set_ciphersuites(SSL *s, const char *str);

/* A cipher suite's OpenSSL name ("ECDHE-RSA-AES128-GCM-SHA256"), IANA name, secret bits
 * (also in *alg_bits when not NULL), and version ("TLSv1.2"/"TLSv1.3"). Static strings;
 * "(NONE)" for NULL. */
const char *SSL_CIPHER_get_name(const SSL_CIPHER *c);
const char *SSL_CIPHER_standard_name(const SSL_CIPHER *c);
int SSL_CIPHER_get_bits(const SSL_CIPHER *c, int *alg_bits);
const char *SSL_CIPHER_get_version(const SSL_CIPHER *c);
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER *c);
uint16_t SSL_CIPHER_get_protocol_id(const SSL_CIPHER *c);

/*
 * ALPN. set_alpn_protos takes the wire format (length-prefixed names) and returns 0 on success,
 * 1 on failure (OpenSSL's convention). A server's select callback picks from the client's
 * list (SSL_select_next_proto helps).
 */
typedef int (*SSL_CTX_alpn_select_cb_func)(SSL *ssl, const unsigned char **out,
                                           unsigned char *outlen, const unsigned char *in,
                                           unsigned int inlen, void *arg);
int SSL_CTX_set_alpn_protos(SSL_CTX *ctx, const unsigned char *protos, unsigned int protos_len);
int SSL_set_alpn_protos(SSL *ssl, const unsigned char *protos, unsigned int protos_len);
void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg);
/* The protocol the handshake chose (*data NULL, *len 0 when none); valid while s lives. */
void SSL_get0_alpn_selected(const SSL *ssl, const unsigned char **data, unsigned int *len);

/* Sessions: the context (at most 32 bytes; 1, or 0), the lifetime in seconds (returns the
 * previous one). */
int SSL_CTX_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx,
                                   unsigned int sid_ctx_len);
long SSL_CTX_set_timeout(SSL_CTX *ctx, long t);
long SSL_CTX_get_timeout(const SSL_CTX *ctx);
/* How many TLS 1.3 tickets a server sends after a full handshake (default 2). ftls: any
 * non-zero number sends rustls' tickets; 0 sends none unless the session cache is on (then
 * stateful tickets are still sent). Returns 1. */
int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets);
size_t SSL_CTX_get_num_tickets(const SSL_CTX *ctx);

/* Callbacks: info (as OpenSSL 3.0 calls it: SSL_CB_HANDSHAKE_START, SSL_CB_CONNECT_LOOP /
 * _ACCEPT_LOOP per handshake state with SSL_state_string giving OpenSSL's state, including the
 * TLS 1.3 tickets a client reads after the handshake, SSL_CB_HANDSHAKE_DONE, SSL_CB_READ_ALERT
 * / _WRITE_ALERT with (level << 8 | description), SSL_CB_CONNECT_EXIT / _ACCEPT_EXIT; the
 * callbacks of one SSL_connect / SSL_accept / SSL_read / SSL_shutdown run just before it
 * returns), message (per handshake message: SSL3_RT_HANDSHAKE with the message's bytes, header
 * included; SSL3_RT_CHANGE_CIPHER_SPEC sent; SSL3_RT_ALERT; ftls gives no SSL3_RT_HEADER nor
 * SSL3_RT_INNER_CONTENT_TYPE calls, nor the TLS 1.2 Finished nor the TLS 1.3 tickets a client
 * reads), key log (one NSS key-log line, without newline, per secret, as OpenSSL writes
 * them). The SSL's own info and message callbacks replace the context's. */
void SSL_CTX_set_info_callback(SSL_CTX *ctx, void (*cb)(const SSL *ssl, int type, int val));
void SSL_set_info_callback(SSL *ssl, void (*cb)(const SSL *ssl, int type, int val));
void SSL_CTX_set_msg_callback(SSL_CTX *ctx,
                              void (*cb)(int write_p, int version, int content_type,
                                         const void *buf, size_t len, SSL *ssl, void *arg));
void SSL_set_msg_callback(SSL *ssl,
                          void (*cb)(int write_p, int version, int content_type,
                                     const void *buf, size_t len, SSL *ssl, void *arg));
#define SSL_CTX_set_msg_callback_arg(ctx, arg) \
    SSL_CTX_ctrl((ctx), SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, (arg))
#define SSL_set_msg_callback_arg(ssl, arg) SSL_ctrl((ssl), SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, (arg))
typedef void (*SSL_CTX_keylog_cb_func)(const SSL *ssl, const char *line);
void SSL_CTX_set_keylog_callback(SSL_CTX *ctx, SSL_CTX_keylog_cb_func cb);

/* ex_data: program pointers by index (0 always valid; others from _get_ex_new_index). set:
 * 1, or 0 for a negative index; get: the pointer, NULL when none. The new/dup/free callbacks
 * are not called. */
int SSL_CTX_set_ex_data(SSL_CTX *ctx, int idx, void *data);
void *SSL_CTX_get_ex_data(const SSL_CTX *ctx, int idx);
int SSL_CTX_get_ex_new_index(long argl, void *argp, CRYPTO_EX_new *new_func,
                             CRYPTO_EX_dup *dup_func, CRYPTO_EX_free *free_func);
int SSL_set_ex_data(SSL *ssl, int idx, void *data);
void *SSL_get_ex_data(const SSL *ssl, int idx);
int SSL_get_ex_new_index(long argl, void *argp, CRYPTO_EX_new *new_func,
                         CRYPTO_EX_dup *dup_func, CRYPTO_EX_free *free_func);
#define SSL_set_app_data(s, arg) (SSL_set_ex_data(s, 0, (char *)(arg)))
#define SSL_get_app_data(s) (SSL_get_ex_data(s, 0))
#define SSL_CTX_set_app_data(ctx, arg) (SSL_CTX_set_ex_data(ctx, 0, (char *)(arg)))
#define SSL_CTX_get_app_data(ctx) (SSL_CTX_get_ex_data(ctx, 0))
/* The index at which a verify callback finds the SSL in its X509_STORE_CTX. */
int SSL_get_ex_data_X509_STORE_CTX_idx(void);

/*
 * Connections. SSL_new: a connection from ctx, with one reference (NULL, error queued, when
 * ctx is NULL); SSL_up_ref adds one; SSL_free drops one (the BIOs it owns go with it).
 */
SSL *SSL_new(SSL_CTX *ctx);
int SSL_up_ref(SSL *s);
void SSL_free(SSL *ssl);

/*
 * Transport. set_fd: a socket BIO over fd for both directions (the fd is not closed by
 * SSL_free); set_rfd / set_wfd one direction. set_bio hands both BIOs to the SSL (it frees
 * them; the same BIO twice counts once); set0_rbio / set0_wbio one. get_rbio / get_wbio /
 * get_fd: borrowed, -1 / NULL when unset. 1 on success, 0 on failure.
 */
int SSL_set_fd(SSL *s, int fd);
int SSL_set_rfd(SSL *s, int fd);
int SSL_set_wfd(SSL *s, int fd);
int SSL_get_fd(const SSL *s);
int SSL_get_rfd(const SSL *s);
int SSL_get_wfd(const SSL *s);
void SSL_set_bio(SSL *s, BIO *rbio, BIO *wbio);
void SSL_set0_rbio(SSL *s, BIO *rbio);
void SSL_set0_wbio(SSL *s, BIO *wbio);
BIO *SSL_get_rbio(const SSL *s);
BIO *SSL_get_wbio(const SSL *s);

/*
 * The handshake. connect / accept set the side and run (or continue) the handshake;
 * do_handshake continues it on the side set by SSL_set_connect_state / _accept_state.
 * Return 1 when complete; <= 0 otherwise: SSL_get_error says why (WANT_READ / WANT_WRITE on
 * non-blocking BIOs, SSL with the reason queued, SYSCALL for a transport error).
 */
void SSL_set_connect_state(SSL *s);
void SSL_set_accept_state(SSL *s);
int SSL_connect(SSL *ssl);
int SSL_accept(SSL *ssl);
int SSL_do_handshake(SSL *s);

/*
 * Data. read / peek return the bytes read (> 0), or <= 0: SSL_get_error tells ZERO_RETURN
 * (the peer's close_notify), WANT_READ/WANT_WRITE, SSL (e.g. "unexpected eof while reading":
 * the transport ended without close_notify, unless SSL_OP_IGNORE_UNEXPECTED_EOF), SYSCALL.
 * write returns num once all of it was sent (or, with SSL_MODE_ENABLE_PARTIAL_WRITE, what was
 * sent), or <= 0; after WANT_WRITE, call it again with the same arguments. The _ex forms
 * return 1 with the count in *readbytes / *written, or 0. pending: decrypted bytes ready.
 */
int SSL_read(SSL *ssl, void *buf, int num);
int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
int SSL_peek(SSL *ssl, void *buf, int num);
int SSL_peek_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
int SSL_write(SSL *ssl, const void *buf, int num);
int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written);
int SSL_pending(const SSL *s);
int SSL_has_pending(const SSL *s);

/*
 * Closing, in two steps: the first SSL_shutdown sends close_notify and returns 0 (1 if the
 * peer's already came); the second waits for the peer's and returns 1. -1 when the BIO would
 * block or on failure. Before the handshake completed: -1, SSL_R_SHUTDOWN_WHILE_IN_INIT.
 * get/set_shutdown: SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN. Quiet shutdown: SSL_shutdown
 * sends nothing and returns 1.
 */
int SSL_shutdown(SSL *s);
int SSL_get_shutdown(const SSL *ssl);
void SSL_set_shutdown(SSL *ssl, int mode);
void SSL_set_quiet_shutdown(SSL *ssl, int mode);
int SSL_get_quiet_shutdown(const SSL *ssl);

/* Why the last call on s returned ret_code (SSL_ERROR_*), by OpenSSL 3.0's rules: the error
 * queue first, then the BIOs' retry flags, then the peer's close_notify, else SYSCALL. */
int SSL_get_error(const SSL *s, int ret_code);
/* SSL_NOTHING, SSL_READING or SSL_WRITING: what the last call waited for. */
int SSL_want(const SSL *s);
#define SSL_want_nothing(s) (SSL_want(s) == SSL_NOTHING)
#define SSL_want_read(s) (SSL_want(s) == SSL_READING)
#define SSL_want_write(s) (SSL_want(s) == SSL_WRITING)

/* State: is_server (1 for the accepting side), in_init (1 until the handshake completes),
 * is_init_finished, in_before (nothing happened yet). */
int SSL_is_server(const SSL *s);
int SSL_in_init(const SSL *s);
int SSL_in_before(const SSL *s);
int SSL_is_init_finished(const SSL *s);
#define SSL_in_connect_init(a) (SSL_in_init(a) && !SSL_is_server(a))
#define SSL_in_accept_init(a) (SSL_in_init(a) && SSL_is_server(a))

/* The connection's context (borrowed). */
SSL_CTX *SSL_get_SSL_CTX(const SSL *ssl);

/* Inspection. version: "TLSv1.2" / "TLSv1.3" (static); SSL_version: TLS1_2_VERSION /
 * TLS1_3_VERSION. current_cipher: the negotiated suite (static object), NULL before the
 * handshake. session_reused: 1 when the handshake resumed a session. get_servername: a
 * server's client-sent SNI name, a client's own; NULL when none (valid until the next call). */
const char *SSL_get_version(const SSL *s);
int SSL_version(const SSL *s);
const SSL_CIPHER *SSL_get_current_cipher(const SSL *s);
#define SSL_get_cipher(s) SSL_CIPHER_get_name(SSL_get_current_cipher(s))
#define SSL_get_cipher_name(s) SSL_CIPHER_get_name(SSL_get_current_cipher(s))
#define SSL_get_cipher_version(s) SSL_CIPHER_get_version(SSL_get_current_cipher(s))
#define SSL_get_cipher_bits(s, np) SSL_CIPHER_get_bits(SSL_get_current_cipher(s), np)
/* The name of the n-th suite (from 0) the connection offers, TLS 1.3 ones first; NULL past the
 * end. Static strings. */
const char *SSL_get_cipher_list(const SSL *s, int n);
int SSL_session_reused(const SSL *s);
const char *SSL_get_servername(const SSL *s, const int type);

/*
 * The peer's certificate: get1 with a new reference (free it with X509_free), get0 borrowed
 * (valid while s lives); NULL when the peer sent none. get_peer_cert_chain: borrowed, valid
 * while s lives; a client sees the server's chain from its certificate on, a server the
 * client's chain without the client's own certificate (as OpenSSL gives them).
 */
X509 *SSL_get1_peer_certificate(const SSL *s);
X509 *SSL_get0_peer_certificate(const SSL *s);
#define SSL_get_peer_certificate SSL_get1_peer_certificate
STACK_OF(X509) *SSL_get_peer_cert_chain(const SSL *s);

/* Identity from objects: the certificate (its DER is copied), the key (an EVP_PKEY holding a
 * private key; checked against a loaded certificate). 1, or 0 with the reason queued. */
int SSL_CTX_use_certificate(SSL_CTX *ctx, X509 *x);
int SSL_CTX_use_PrivateKey(SSL_CTX *ctx, EVP_PKEY *pkey);

/*
 * Client CA lists: set takes over a STACK_OF(X509_NAME); add_client_CA appends a
 * certificate's subject; SSL_load_client_CA_file makes a new stack (the caller owns it) from
 * a PEM file's certificates, NULL with the reason queued. get: borrowed. ftls sends the names
 * of the CAs it trusts for client certificates; the list is kept for the get functions.
 */
void SSL_CTX_set_client_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) *name_list);
STACK_OF(X509_NAME) *SSL_CTX_get_client_CA_list(const SSL_CTX *s);
STACK_OF(X509_NAME) *SSL_get_client_CA_list(const SSL *s);
int SSL_CTX_add_client_CA(SSL_CTX *ctx, X509 *x);
STACK_OF(X509_NAME) *SSL_load_client_CA_file(const char *file);

/*
 * Sessions. get_session: borrowed (valid while s lives), get1_session: a new reference; NULL
 * before the handshake completed. set_session: 1. ftls resumes from the SSL_CTX's own cache:
 * a client that reconnects with the same context resumes (SSL_session_reused says so) whether
 * or not it passes the session back; a session saved with i2d_SSL_SESSION and restored in
 * another process is accepted but does not resume (the secrets never leave ftls).
 */
SSL_SESSION *SSL_get_session(const SSL *ssl);
SSL_SESSION *SSL_get1_session(SSL *ssl);
int SSL_set_session(SSL *to, SSL_SESSION *session);
void SSL_SESSION_free(SSL_SESSION *ses);
int SSL_SESSION_up_ref(SSL_SESSION *ses);
/* 32 bytes identifying the handle (borrowed), the length in *len: random, or for a session a
 * server's callbacks receive, its session ID (or TLS 1.3 ticket's). */
const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *s, unsigned int *len);
long SSL_SESSION_get_time(const SSL_SESSION *s);
long SSL_SESSION_get_timeout(const SSL_SESSION *s);
long SSL_SESSION_set_timeout(SSL_SESSION *s, long t);
/* The session's version; 0 for a session a server's callbacks receive. */
int SSL_SESSION_get_protocol_version(const SSL_SESSION *s);
/* 1 for every session (ftls hands out sessions of completed handshakes only). */
int SSL_SESSION_is_resumable(const SSL_SESSION *s);

/*
 * Session callbacks. new: a client with SSL_SESS_CACHE_CLIENT hears of each TLS 1.3 ticket and
 * each new TLS 1.2 session; a server of each session its cache adds (TLS 1.2 session IDs, TLS
 * 1.3 tickets under SSL_OP_NO_TICKET; not stateless tickets). Returning 1 keeps the reference.
 * remove: each session that leaves the server cache (used once, expired, evicted, or at
 * SSL_CTX_free). get: the server's lookup by session ID when the cache has none (or with
 * SSL_SESS_CACHE_NO_INTERNAL_LOOKUP); only a session this process's server made resumes.
 */
void SSL_CTX_sess_set_new_cb(SSL_CTX *ctx, int (*new_session_cb)(SSL *ssl, SSL_SESSION *sess));
int (*SSL_CTX_sess_get_new_cb(SSL_CTX *ctx))(SSL *ssl, SSL_SESSION *sess);
void SSL_CTX_sess_set_remove_cb(SSL_CTX *ctx,
                                void (*remove_session_cb)(SSL_CTX *ctx, SSL_SESSION *sess));
void (*SSL_CTX_sess_get_remove_cb(SSL_CTX *ctx))(SSL_CTX *ctx, SSL_SESSION *sess);
void SSL_CTX_sess_set_get_cb(SSL_CTX *ctx,
                             SSL_SESSION *(*get_session_cb)(SSL *ssl, const unsigned char *data,
                                                            int len, int *copy));
SSL_SESSION *(*SSL_CTX_sess_get_get_cb(SSL_CTX *ctx))(SSL *ssl, const unsigned char *data,
                                                      int len, int *copy);
/* Serialising: i2d returns the length and, with pp, writes at *pp and advances it; d2i reads
 * what i2d wrote, advances *pp, returns a new session (also in *a), NULL (error queued) for
 * anything else. */
int i2d_SSL_SESSION(const SSL_SESSION *in, unsigned char **pp);
SSL_SESSION *d2i_SSL_SESSION(SSL_SESSION **a, const unsigned char **pp, long length);

/* The peer's ephemeral key-exchange key (*pk: a new EVP_PKEY to free), 1; 0 when none. */
#define SSL_get_peer_tmp_key(s, pk) SSL_ctrl(s, SSL_CTRL_GET_PEER_TMP_KEY, 0, pk)
#define SSL_get_server_tmp_key(s, pk) SSL_get_peer_tmp_key(s, pk)

/* Ready for a new handshake with the same settings and BIOs. 1. */
int SSL_clear(SSL *s);

/* Switches a connection's context (for the servername callback). Returns the context in use. */
SSL_CTX *SSL_set_SSL_CTX(SSL *ssl, SSL_CTX *ctx);

/* Texts: an alert's level ("warning"/"fatal") and name ("unknown CA"), static; the handshake
 * state, coarser than OpenSSL's ("before SSL initialization", "SSLv3/TLS handshake in
 * progress", "SSL negotiation finished successfully"). */
const char *SSL_alert_type_string_long(int value);
const char *SSL_alert_type_string(int value);
const char *SSL_alert_desc_string_long(int value);
const char *SSL_alert_desc_string(int value);
const char *SSL_state_string_long(const SSL *s);
const char *SSL_state_string(const SSL *s);

/* ALPN helper: the first of the server's protocols the client also offers
 * (OPENSSL_NPN_NEGOTIATED, *out pointing into server), else the client's first
 * (OPENSSL_NPN_NO_OVERLAP, *out pointing into client). */
int SSL_select_next_proto(unsigned char **out, unsigned char *outlen, const unsigned char *server,
                          unsigned int server_len, const unsigned char *client,
                          unsigned int client_len);


#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_SSL_H */
