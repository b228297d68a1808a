/*
 * openssl/tls1.h: protocol versions, alert numbers, and the TLS extensions' controls (SNI).
 */
#ifndef FTLS_OPENSSL_TLS1_H
#define FTLS_OPENSSL_TLS1_H
#define OPENSSL_TLS1_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

/* Protocol versions, for SSL_CTX_set_min/max_proto_version and SSL_version. Only TLS 1.2 and
 * 1.3 are supported: a range that leaves neither fails the handshake. */
#define TLS1_VERSION 0x0301
#define TLS1_1_VERSION 0x0302
#define TLS1_2_VERSION 0x0303
#define TLS1_3_VERSION 0x0304
#define TLS_MAX_VERSION TLS1_3_VERSION
#define TLS_ANY_VERSION 0x10000

#define TLS1_AD_DECRYPTION_FAILED 21
#define TLS1_AD_RECORD_OVERFLOW 22
#define TLS1_AD_UNKNOWN_CA 48
#define TLS1_AD_ACCESS_DENIED 49
#define TLS1_AD_DECODE_ERROR 50
#define TLS1_AD_DECRYPT_ERROR 51
#define TLS1_AD_EXPORT_RESTRICTION 60
#define TLS1_AD_PROTOCOL_VERSION 70
#define TLS1_AD_INSUFFICIENT_SECURITY 71
#define TLS1_AD_INTERNAL_ERROR 80
#define TLS1_AD_INAPPROPRIATE_FALLBACK 86
#define TLS1_AD_USER_CANCELLED 90
#define TLS1_AD_NO_RENEGOTIATION 100
#define TLS13_AD_MISSING_EXTENSION 109
#define TLS13_AD_CERTIFICATE_REQUIRED 116
#define TLS1_AD_UNSUPPORTED_EXTENSION 110
#define TLS1_AD_CERTIFICATE_UNOBTAINABLE 111
#define TLS1_AD_UNRECOGNIZED_NAME 112
#define TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE 113
#define TLS1_AD_BAD_CERTIFICATE_HASH_VALUE 114
#define TLS1_AD_UNKNOWN_PSK_IDENTITY 115
#define TLS1_AD_NO_APPLICATION_PROTOCOL 120

/* Server Name Indication. */
#define TLSEXT_NAMETYPE_host_name 0
#define TLSEXT_MAXLEN_host_name 255

/* What a servername callback returns. */
#define SSL_TLSEXT_ERR_OK 0
#define SSL_TLSEXT_ERR_ALERT_WARNING 1
#define SSL_TLSEXT_ERR_ALERT_FATAL 2
#define SSL_TLSEXT_ERR_NOACK 3

/* A client names the server it wants (SNI): a DNS name, at most 255 bytes. */
#define SSL_set_tlsext_host_name(s, name) \
    SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name)

/* A server's SNI callback: int cb(SSL *s, int *alert, void *arg). Stored; ftls does not call
 * it yet: the server presents its context's certificate, and SSL_get_servername gives the
 * client's name once the handshake is done (see docs/openssl-compat.md). */
#define SSL_CTX_set_tlsext_servername_callback(ctx, cb) \
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, (void (*)(void))cb)
#define SSL_CTX_set_tlsext_servername_arg(ctx, arg) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, arg)

#endif /* FTLS_OPENSSL_TLS1_H */
