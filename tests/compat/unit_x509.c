/*
 * Certificates, keys and small crypto the way legacy programs read them: every certificate of
 * a PEM bundle (names in each print form, entries, serial, dates, extensions, alternative
 * names, host/IP/e-mail checks, fingerprints, public keys), DER round trips, stacks, private
 * keys (plain and encrypted, right and wrong password), digests, HMAC, random bytes and object
 * names. Built unchanged against the system OpenSSL and against ftls' root; the two outputs must
 * be identical.
 *
 *   unit_x509 BUNDLE.pem KEY.pem... [--password PW] ENCRYPTED.pem
 */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_hex(const char *label, const unsigned char *bytes, unsigned int len)
{
    unsigned int i;
    printf("%s:", label);
    for (i = 0; i < len; i++)
        printf("%02x", bytes[i]);
    printf("\n");
}

/* What a BIO printer wrote, and its return value. */
static void print_bio(const char *label, BIO *bio, int ret)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    printf("%s [%d]: %.*s|\n", label, ret, (int)len, data ? data : "");
    (void)BIO_reset(bio);
}

/* The library and reason of the oldest queued error, then an empty queue. */
static void print_error(const char *label)
{
    unsigned long e = ERR_peek_error();
    printf("%s: lib=%d reason=%d\n", label, ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();
}

static void print_names(X509_NAME *name, BIO *bio)
{
    char small[24];
    char *line = X509_NAME_oneline(name, NULL, 0);
    unsigned long flags[] = {XN_FLAG_ONELINE,
                             XN_FLAG_RFC2253,
                             XN_FLAG_MULTILINE,
                             XN_FLAG_COMPAT,
                             XN_FLAG_SEP_COMMA_PLUS | XN_FLAG_FN_LN,
                             XN_FLAG_SEP_SPLUS_SPC | XN_FLAG_FN_OID | XN_FLAG_DN_REV,
                             XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_NONE | ASN1_STRFLGS_ESC_MSB,
                             XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB,
                             0x1234};
    size_t i;
    int n, j, ret;

    printf("  oneline: %s\n", line);
    OPENSSL_free(line);
    printf("  oneline(24): %s\n", X509_NAME_oneline(name, small, sizeof small));
    printf("  oneline(4): %s\n", X509_NAME_oneline(name, small, 4));
    for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char label[64];
        ret = X509_NAME_print_ex(bio, name, 2, flags[i]);
        sprintf(label, "  print_ex %lx", flags[i]);
        print_bio(label, bio, ret);
    }
    printf("  print_ex_fp: ");
    ret = X509_NAME_print_ex_fp(stdout, name, 0, XN_FLAG_ONELINE);
    printf(" [%d]\n", ret);

    n = X509_NAME_entry_count(name);
    printf("  entries: %d\n", n);
    for (j = 0; j < n; j++) {
        X509_NAME_ENTRY *entry = X509_NAME_get_entry(name, j);
        ASN1_STRING *value = X509_NAME_ENTRY_get_data(entry);
        ASN1_OBJECT *object = X509_NAME_ENTRY_get_object(entry);
        unsigned char *utf8 = NULL;
        char oid[64];
        int utf8_len = ASN1_STRING_to_UTF8(&utf8, value);
        OBJ_obj2txt(oid, sizeof oid, object, 1);
        printf("   [%d] set=%d nid=%d sn=%s oid=%s type=%d len=%d data=%s utf8=%d:%s\n", j,
               X509_NAME_ENTRY_set(entry), OBJ_obj2nid(object),
               OBJ_nid2sn(OBJ_obj2nid(object)) ? OBJ_nid2sn(OBJ_obj2nid(object)) : "-", oid,
               ASN1_STRING_type(value), ASN1_STRING_length(value),
               (const char *)ASN1_STRING_get0_data(value), utf8_len, utf8 ? (char *)utf8 : "");
        OPENSSL_free(utf8);
    }
    printf("  get_entry(%d): %s\n", n, X509_NAME_get_entry(name, n) ? "entry" : "NULL");
    {
        char cn[256], tiny[4];
        printf("  CN: %d '%s'\n", X509_NAME_get_text_by_NID(name, NID_commonName, cn, sizeof cn),
               cn);
        printf("  CN(4): %d '%s'\n",
               X509_NAME_get_text_by_NID(name, NID_commonName, tiny, sizeof tiny), tiny);
        printf("  CN(NULL): %d\n", X509_NAME_get_text_by_NID(name, NID_commonName, NULL, 0));
        printf("  L: %d\n", X509_NAME_get_text_by_NID(name, NID_localityName, cn, sizeof cn));
        printf("  index O: %d, next: %d\n",
               X509_NAME_get_index_by_NID(name, NID_organizationName, -1),
               X509_NAME_get_index_by_NID(name, NID_organizationName,
                                          X509_NAME_get_index_by_NID(name, NID_organizationName, -1)));
    }
}

static void print_time(const char *label, const ASN1_TIME *t, BIO *bio)
{
    struct tm tm;
    int ret = ASN1_TIME_print(bio, t);
    print_bio(label, bio, ret);
    memset(&tm, 0, sizeof tm);
    ret = ASN1_TIME_to_tm(t, &tm);
    printf("  %s tm [%d]: %04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d type=%d check=%d\n", label,
           ret, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           tm.tm_wday, tm.tm_yday, ASN1_STRING_type(t), ASN1_TIME_check(t));
    ret = ASN1_UTCTIME_print(bio, t);
    print_bio("  utctime_print", bio, ret);
}

static void print_general_names(const char *label, GENERAL_NAMES *names)
{
    int i;
    printf("  %s: %d\n", label, sk_GENERAL_NAME_num(names));
    for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        switch (gn->type) {
        case GEN_DNS:
        case GEN_EMAIL:
        case GEN_URI:
            printf("   type=%d '%s' (%d)\n", gn->type,
                   (const char *)ASN1_STRING_get0_data(gn->d.ia5), ASN1_STRING_length(gn->d.ia5));
            break;
        case GEN_IPADD:
            print_hex("   ip", ASN1_STRING_get0_data(gn->d.iPAddress),
                      (unsigned int)ASN1_STRING_length(gn->d.iPAddress));
            break;
        case GEN_DIRNAME: {
            char *line = X509_NAME_oneline(gn->d.directoryName, NULL, 0);
            printf("   dirname %s\n", line);
            OPENSSL_free(line);
            break;
        }
        case GEN_RID:
            printf("   rid nid=%d\n", OBJ_obj2nid(gn->d.registeredID));
            break;
        default:
            printf("   type=%d\n", gn->type);
        }
    }
}

static void print_checks(X509 *cert)
{
    const char *hosts[] = {"localhost", "LOCALHOST",       "www.example.com", "a.b.example.com",
                           "example.com", "foo.test",      "f.test",          "xn--foo.test",
                           "unit.test",  "Unit Test, Inc", "127.0.0.1",       "other"};
    unsigned int flags[] = {0, X509_CHECK_FLAG_NO_WILDCARDS, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                            X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT,
                            X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
                            X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS};
    size_t h, f;
    for (h = 0; h < sizeof hosts / sizeof hosts[0]; h++) {
        printf("  check_host %-16s:", hosts[h]);
        for (f = 0; f < sizeof flags / sizeof flags[0]; f++)
            printf(" %d", X509_check_host(cert, hosts[h], 0, flags[f], NULL));
        printf("\n");
    }
    {
        char *peer = NULL;
        int ret = X509_check_host(cert, "www.example.com", strlen("www.example.com"), 0, &peer);
        printf("  peername [%d]: %s\n", ret, peer ? peer : "(none)");
        OPENSSL_free(peer);
        printf("  embedded NUL: %d\n", X509_check_host(cert, "local\0host", 10, 0, NULL));
        printf("  counted trailing NUL: %d\n", X509_check_host(cert, "localhost", 10, 0, NULL));
    }
    printf("  check_ip_asc: %d %d %d %d\n", X509_check_ip_asc(cert, "127.0.0.1", 0),
           X509_check_ip_asc(cert, "::1", 0), X509_check_ip_asc(cert, "10.0.0.1", 0),
           X509_check_ip_asc(cert, "not an ip", 0));
    {
        const unsigned char loopback[4] = {127, 0, 0, 1};
        printf("  check_ip: %d\n", X509_check_ip(cert, loopback, sizeof loopback, 0));
    }
    printf("  check_email: %d %d %d\n", X509_check_email(cert, "admin@unit.test", 0, 0),
           X509_check_email(cert, "admin@UNIT.test", 0, 0),
           X509_check_email(cert, "Admin@unit.test", 0, 0));
}

static void print_key(const char *label, EVP_PKEY *key)
{
    char group[64];
    size_t group_len = 0;
    int has_group = EVP_PKEY_get_group_name(key, group, sizeof group, &group_len);
    printf("  %s: id=%d base=%d bits=%d size=%d group=%d:%s is_a(RSA)=%d is_a(EC)=%d\n", label,
           EVP_PKEY_id(key), EVP_PKEY_base_id(key), EVP_PKEY_bits(key), EVP_PKEY_size(key),
           has_group, has_group ? group : "-", EVP_PKEY_is_a(key, "RSA"),
           EVP_PKEY_is_a(key, "EC"));
}

static void print_certificate(X509 *cert, BIO *bio)
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *hex = BN_bn2hex(bn), *dec = BN_bn2dec(bn);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int i, crit = 0, idx = -1, pday = 0, psec = 0;
    GENERAL_NAMES *names;
    BASIC_CONSTRAINTS *bc;
    EVP_PKEY *key;
    unsigned char *der = NULL, *p;
    const unsigned char *q;
    int der_len;
    X509 *copy;

    printf("subject:\n");
    print_names(X509_get_subject_name(cert), bio);
    printf("issuer:\n");
    print_names(X509_get_issuer_name(cert), bio);
    printf("  version: %ld\n", X509_get_version(cert));
    print_bio("  serial", bio, i2a_ASN1_INTEGER(bio, serial));
    printf("  serial get=%ld hex=%s dec=%s bits=%d bytes=%d\n", ASN1_INTEGER_get(serial), hex, dec,
           BN_num_bits(bn), BN_num_bytes(bn));
    OPENSSL_free(hex);
    OPENSSL_free(dec);
    BN_free(bn);
    print_time("  notBefore", X509_get0_notBefore(cert), bio);
    print_time("  notAfter", X509_get_notAfter(cert), bio);
    i = ASN1_TIME_diff(&pday, &psec, X509_get0_notBefore(cert), X509_get0_notAfter(cert));
    printf("  diff [%d]: %d days %d s; cmp_current: %d %d\n", i, pday, psec,
           X509_cmp_current_time(X509_get0_notBefore(cert)),
           X509_cmp_current_time(X509_get0_notAfter(cert)));
    printf("  signature: %s\n", OBJ_nid2ln(X509_get_signature_nid(cert)));

    printf("  extensions: %d\n", X509_get_ext_count(cert));
    for (i = 0; i < X509_get_ext_count(cert); i++) {
        X509_EXTENSION *ext = X509_get_ext(cert, i);
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        printf("   %s critical=%d len=%d\n", nid ? OBJ_nid2sn(nid) : "unknown",
               X509_EXTENSION_get_critical(ext), ASN1_STRING_length(X509_EXTENSION_get_data(ext)));
    }
    printf("  ext_by_NID san=%d bc=%d nc=%d\n", X509_get_ext_by_NID(cert, NID_subject_alt_name, -1),
           X509_get_ext_by_NID(cert, NID_basic_constraints, -1),
           X509_get_ext_by_NID(cert, NID_name_constraints, -1));
    names = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL);
    printf("  san crit=%d\n", crit);
    if (names) {
        print_general_names("san", names);
        sk_GENERAL_NAME_pop_free(names, GENERAL_NAME_free);
    }
    names = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, &idx);
    printf("  san by idx crit=%d idx=%d %s\n", crit, idx, names ? "found" : "none");
    GENERAL_NAMES_free(names);
    names = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, &idx);
    printf("  san again crit=%d idx=%d %s\n", crit, idx, names ? "found" : "none");
    GENERAL_NAMES_free(names);
    names = X509_get_ext_d2i(cert, NID_issuer_alt_name, &crit, NULL);
    printf("  ian crit=%d %s\n", crit, names ? "found" : "none");
    GENERAL_NAMES_free(names);
    bc = X509_get_ext_d2i(cert, NID_basic_constraints, &crit, NULL);
    if (bc) {
        printf("  bc crit=%d ca=%d pathlen=%ld\n", crit, bc->ca != 0,
               bc->pathlen ? ASN1_INTEGER_get(bc->pathlen) : -1L);
        BASIC_CONSTRAINTS_free(bc);
    } else {
        printf("  bc crit=%d none\n", crit);
    }
    printf("  check_ca: %d\n", X509_check_ca(cert) != 0);
    print_checks(cert);

    X509_digest(cert, EVP_sha1(), md, &md_len);
    print_hex("  sha1", md, md_len);
    X509_digest(cert, EVP_sha256(), md, &md_len);
    print_hex("  sha256", md, md_len);

    key = X509_get_pubkey(cert);
    print_key("pubkey", key);
    EVP_PKEY_free(key);
    print_key("pubkey0", X509_get0_pubkey(cert));

    der_len = i2d_X509(cert, NULL);
    printf("  der length: %d, alloc: %d\n", der_len, i2d_X509(cert, &der));
    q = der;
    copy = d2i_X509(NULL, &q, der_len);
    printf("  d2i: %s consumed=%d cmp=%d\n", copy ? "ok" : "failed", (int)(q - der),
           X509_cmp(cert, copy));
    p = der;
    i = i2d_X509(copy, &p);
    printf("  i2d into buffer: %d advanced=%d\n", i, (int)(p - der));
    X509_free(copy);
    OPENSSL_free(der);
    {
        X509_NAME *dup = X509_NAME_dup(X509_get_subject_name(cert));
        const unsigned char *name_der = NULL;
        size_t name_der_len = 0;
        BIO *mem = BIO_new(BIO_s_mem());
        ASN1_STRING *cn;
        time_t y2k = 946684800, far = 4102444800;
        BIGNUM *into = BN_new();
        unsigned char raw[64];
        EVP_PKEY *pk = X509_get0_pubkey(cert);
        int k = X509_NAME_get_index_by_NID(dup, NID_commonName, -1);
        printf("  name dup cmp=%d issuer cmp!=0 %d der=%d len>0 %d\n",
               X509_NAME_cmp(dup, X509_get_subject_name(cert)),
               X509_NAME_cmp(dup, X509_get_issuer_name(cert)) != 0,
               X509_NAME_get0_der(dup, &name_der, &name_der_len), name_der_len > 0);
        cn = k >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(dup, k)) : NULL;
        print_bio("  ASN1_STRING_print", mem, cn ? ASN1_STRING_print(mem, cn) : -9);
        X509_NAME_free(dup);
        printf("  cmp_time notAfter vs 2000: %d, vs 2100: %d\n",
               X509_cmp_time(X509_get0_notAfter(cert), &y2k),
               X509_cmp_time(X509_get0_notAfter(cert), &far));
        print_bio("  generalizedtime_print", mem,
                  ASN1_GENERALIZEDTIME_print(mem, X509_get0_notBefore(cert)));
        ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), into);
        printf("  bn into: bin=%d zero=%d negative=%d\n", BN_bn2bin(into, raw), BN_is_zero(into),
               BN_is_negative(into));
        BN_clear_free(into);
        printf("  key type name %s up_ref %d\n", EVP_PKEY_get0_type_name(pk), EVP_PKEY_up_ref(pk));
        EVP_PKEY_free(pk);
        PEM_write_bio_X509(mem, cert);
        printf("  PEM to BIO: %d bytes\n", BIO_pending(mem));
        BIO_free(mem);
    }
    printf("  PEM:\n");
    PEM_write_X509(stdout, cert);
}

static int password_cb(char *buf, int size, int rwflag, void *u)
{
    const char *password = u;
    int len = (int)strlen(password);
    printf("  password callback: size=%d rwflag=%d\n", size >= 1024, rwflag);
    if (len > size)
        return -1;
    memcpy(buf, password, (size_t)len);
    return len;
}

static void read_key(const char *path, const char *password)
{
    FILE *fp = fopen(path, "r");
    EVP_PKEY *key = NULL, *ret;
    if (!fp) {
        perror(path);
        exit(2);
    }
    ret = PEM_read_PrivateKey(fp, &key, password ? password_cb : NULL, (void *)password);
    fclose(fp);
    if (ret == NULL) {
        print_error("  key not read");
        return;
    }
    printf("  same object: %d\n", ret == key);
    print_key("private key", key);
    EVP_PKEY_free(key);
}

static void digests(void)
{
    const EVP_MD *mds[] = {EVP_md5(), EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512()};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    size_t i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new(), *copy = EVP_MD_CTX_new();
    HMAC_CTX *hctx = HMAC_CTX_new();

    for (i = 0; i < sizeof mds / sizeof mds[0]; i++) {
        printf("digest %s nid=%d size=%d block=%d byname=%d\n", OBJ_nid2sn(EVP_MD_type(mds[i])),
               EVP_MD_nid(mds[i]), EVP_MD_size(mds[i]), EVP_MD_block_size(mds[i]),
               EVP_get_digestbyname(OBJ_nid2sn(EVP_MD_type(mds[i]))) == mds[i]);
        EVP_Digest("abc", 3, md, &len, mds[i], NULL);
        print_hex(" EVP_Digest", md, len);
        EVP_DigestInit_ex(ctx, mds[i], NULL);
        EVP_DigestUpdate(ctx, "a", 1);
        EVP_MD_CTX_copy_ex(copy, ctx);
        EVP_DigestUpdate(ctx, "bc", 2);
        EVP_DigestFinal_ex(ctx, md, &len);
        print_hex(" incremental", md, len);
        EVP_DigestUpdate(copy, "bd", 2);
        EVP_DigestFinal_ex(copy, md, &len);
        print_hex(" copy", md, len);
        printf(" ctx md size=%d\n", EVP_MD_CTX_size(ctx));
        HMAC(mds[i], "Jefe", 4, (const unsigned char *)"what do ya want for nothing?", 28, md, &len);
        print_hex(" HMAC", md, len);
        HMAC_Init_ex(hctx, "key", 3, mds[i], NULL);
        HMAC_Update(hctx, (const unsigned char *)"The quick brown fox ", 20);
        HMAC_Update(hctx, (const unsigned char *)"jumps over the lazy dog", 23);
        HMAC_Final(hctx, md, &len);
        print_hex(" HMAC_CTX", md, len);
        HMAC_Init_ex(hctx, NULL, 0, NULL, NULL);
        HMAC_Update(hctx, (const unsigned char *)"again", 5);
        HMAC_Final(hctx, md, &len);
        print_hex(" HMAC_CTX same key", md, len);
        printf(" HMAC_size=%d md=%d\n", (int)HMAC_size(hctx), HMAC_CTX_get_md(hctx) == mds[i]);
    }
    printf("digest by name: %d %d %d\n", EVP_get_digestbyname("sha256") == EVP_sha256(),
           EVP_get_digestbyname("SHA384") == EVP_sha384(), EVP_get_digestbyname("nope") == NULL);
    EVP_DigestInit(ctx, EVP_sha256());
    EVP_DigestUpdate(ctx, "", 0);
    printf("final: %d name=%s\n", EVP_DigestFinal(ctx, md, &len), EVP_MD_get0_name(EVP_sha256()));
    len = (unsigned int)HMAC_CTX_reset(hctx);
    printf("HMAC_CTX_reset: %u size after=%d\n", len, (int)HMAC_size(hctx));
    print_hex(" empty sha256", md, len);
    EVP_MD_CTX_free(ctx);
    EVP_MD_CTX_free(copy);
    HMAC_CTX_free(hctx);
}

/* AEAD: seal and open one message per cipher, then a tampered tag. The plaintext is printed
 * after the final call, where both libraries have written all of it. */
static void aeads(void)
{
    const EVP_CIPHER *ciphers[] = {EVP_aes_128_gcm(), EVP_aes_256_gcm(), EVP_chacha20_poly1305()};
    unsigned char key[32], iv[12], aad[13], tag[16], message[40], buf[64];
    size_t i;
    for (i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)(i + 1);
    memset(iv, 7, sizeof iv);
    memset(aad, 'a', sizeof aad);
    memcpy(message, "forty bytes of a record to be protected.", sizeof message);
    for (i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++) {
        EVP_CIPHER_CTX *seal = EVP_CIPHER_CTX_new(), *open = EVP_CIPHER_CTX_new();
        int n = 0, m = 0, ok;
        printf("aead nid=%d key=%d iv=%d\n", EVP_CIPHER_nid(ciphers[i]),
               EVP_CIPHER_key_length(ciphers[i]), EVP_CIPHER_iv_length(ciphers[i]));
        ok = EVP_EncryptInit_ex(seal, ciphers[i], NULL, key, iv);
        ok &= EVP_EncryptUpdate(seal, NULL, &n, aad, sizeof aad);
        ok &= EVP_EncryptUpdate(seal, buf, &n, message, sizeof message);
        ok &= EVP_EncryptFinal_ex(seal, buf + n, &m);
        ok &= EVP_CIPHER_CTX_ctrl(seal, EVP_CTRL_AEAD_GET_TAG, 16, tag);
        printf(" seal ok=%d len=%d\n", ok, n + m);
        print_hex(" ciphertext", buf, (unsigned int)(n + m));
        print_hex(" tag", tag, sizeof tag);
        ok = EVP_DecryptInit_ex(open, ciphers[i], NULL, key, iv);
        ok &= EVP_DecryptUpdate(open, NULL, &n, aad, sizeof aad);
        ok &= EVP_DecryptUpdate(open, buf, &n, buf, (int)sizeof message);
        ok &= EVP_CIPHER_CTX_ctrl(open, EVP_CTRL_AEAD_SET_TAG, 16, tag);
        ok &= EVP_DecryptFinal_ex(open, buf + n, &m);
        printf(" open ok=%d len=%d '%.*s'\n", ok, n + m, n + m, (const char *)buf);
        tag[0] ^= 1;
        EVP_EncryptInit_ex(seal, NULL, NULL, NULL, iv);
        EVP_EncryptUpdate(seal, buf, &n, message, sizeof message);
        EVP_EncryptFinal_ex(seal, buf + n, &m);
        EVP_DecryptInit_ex(open, NULL, NULL, NULL, iv);
        EVP_DecryptUpdate(open, buf, &n, buf, (int)sizeof message);
        EVP_CIPHER_CTX_ctrl(open, EVP_CTRL_AEAD_SET_TAG, 16, tag);
        printf(" tampered final=%d\n", EVP_DecryptFinal_ex(open, buf + n, &m) > 0);
        ERR_clear_error();
        EVP_CIPHER_CTX_free(seal);
        EVP_CIPHER_CTX_free(open);
    }
}

static void stacks(const char *bundle)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    STACK_OF(X509) *dup;
    FILE *fp = fopen(bundle, "r");
    X509 *cert, *first;
    int n = 0;
    while ((cert = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
        n = sk_X509_push(certs, cert);
    fclose(fp);
    print_error("stack: end of bundle");
    first = sk_X509_value(certs, 0);
    printf("stack: pushed=%d num=%d value(99)=%s find(first)=%d\n", n, sk_X509_num(certs),
           sk_X509_value(certs, 99) ? "x" : "NULL", sk_X509_find(certs, first));
    dup = sk_X509_dup(certs);
    cert = sk_X509_shift(dup);
    printf("stack: shift=%d num=%d dup num=%d\n", cert == first, sk_X509_num(certs),
           sk_X509_num(dup));
    sk_X509_unshift(dup, cert);
    printf("stack: unshift num=%d pop==last %d delete(0)==first %d now %d\n", sk_X509_num(dup),
           sk_X509_pop(dup) == sk_X509_value(certs, sk_X509_num(certs) - 1),
           sk_X509_delete(dup, 0) == first, sk_X509_num(dup));
    sk_X509_insert(dup, first, 0);
    printf("stack: insert num=%d delete_ptr=%d num(NULL)=%d\n", sk_X509_num(dup),
           sk_X509_delete_ptr(dup, first) == first, sk_X509_num(NULL));
    sk_X509_free(dup);
    sk_X509_pop_free(certs, X509_free);
}

int main(int argc, char **argv)
{
    BIO *bio = BIO_new(BIO_s_mem());
    FILE *fp;
    X509 *cert, *out = NULL;
    int i, count = 0;
    const unsigned char garbage[] = {0x04, 0x03, 'a', 'b', 'c'};
    const unsigned char *g = garbage;
    unsigned char random1[16], random2[16];

    if (argc < 3) {
        fprintf(stderr, "usage: %s BUNDLE.pem KEY.pem... [--password PW] ENCRYPTED.pem\n", argv[0]);
        return 1;
    }
    fp = fopen(argv[1], "r");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    while ((cert = PEM_read_X509(fp, &out, NULL, NULL)) != NULL) {
        printf("== certificate %d (same object: %d)\n", ++count, cert == out);
        print_certificate(cert, bio);
    }
    fclose(fp);
    X509_free(out);
    print_error("end of bundle");
    {
        BIO *mem = BIO_new(BIO_s_mem());
        FILE *again = fopen(argv[1], "r");
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, again)) > 0)
            BIO_write(mem, buf, (int)n);
        fclose(again);
        count = 0;
        while ((cert = PEM_read_bio_X509(mem, NULL, NULL, NULL)) != NULL) {
            count++;
            X509_free(cert);
        }
        printf("bio bundle: %d certificates\n", count);
        print_error("end of bio bundle");
        BIO_free(mem);
    }

    for (i = 2; i < argc; i++) {
        const char *password = NULL;
        if (strcmp(argv[i], "--password") == 0 && i + 2 < argc) {
            password = argv[i + 1];
            i += 2;
        }
        printf("key %s%s\n", strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i],
               password ? " (with password)" : "");
        read_key(argv[i], password);
    }

    {
        static const char broken[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        BIO *mem = BIO_new_mem_buf(broken, -1);
        printf("PEM not base64: %s\n", PEM_read_bio_X509(mem, NULL, NULL, NULL) ? "parsed" : "NULL");
        print_error("  error");
        BIO_free(mem);
    }
    printf("d2i garbage: %s\n", d2i_X509(NULL, &g, sizeof garbage) ? "parsed" : "NULL");
    printf("  not advanced: %d\n", g == garbage);
    {
        unsigned long e = ERR_peek_error();
        printf("  lib=%d\n", ERR_GET_LIB(e));
        ERR_clear_error();
    }
    printf("oneline(NULL): %s\n", X509_NAME_oneline(NULL, (char *)random1, sizeof random1));

    digests();
    aeads();
    stacks(argv[1]);

    printf("RAND_bytes: %d %d status=%d\n", RAND_bytes(random1, sizeof random1),
           RAND_bytes(random2, sizeof random2), RAND_status());
    printf("random differ: %d\n", memcmp(random1, random2, sizeof random1) != 0);
    RAND_seed(random1, sizeof random1);
    RAND_add(random1, sizeof random1, 1.0);
    printf("RAND_priv_bytes: %d poll=%d\n", RAND_priv_bytes(random2, sizeof random2), RAND_poll());
    printf("RAND_bytes(0): %d\n", RAND_bytes(random1, 0));

    printf("OBJ: %s %s %s %s %d %d %d %d\n", OBJ_nid2sn(NID_commonName), OBJ_nid2ln(NID_commonName),
           OBJ_nid2sn(NID_X9_62_prime256v1), OBJ_nid2ln(NID_subject_alt_name),
           OBJ_txt2nid("CN"), OBJ_txt2nid("2.5.4.10"), OBJ_sn2nid("O"), OBJ_ln2nid("commonName"));
    printf("OBJ unknown: %s %d\n", OBJ_nid2sn(999999) ? "named" : "NULL", OBJ_txt2nid("1.2.3.4.5"));

    BIO_free(bio);
    return 0;
}
