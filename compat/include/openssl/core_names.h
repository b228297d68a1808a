/*
 * openssl/core_names.h: the names of the parameters the library understands. OpenSSL 3.0 lists
 * hundreds; ftls knows one, the group (curve) of a key, read with
 * EVP_PKEY_get_utf8_string_param.
 */
#ifndef FTLS_OPENSSL_CORE_NAMES_H
#define FTLS_OPENSSL_CORE_NAMES_H
#define OPENSSL_CORE_NAMES_H

#define OSSL_PKEY_PARAM_GROUP_NAME "group"

#endif
