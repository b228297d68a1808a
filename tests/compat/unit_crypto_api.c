/*
 * The smaller libcrypto calls legacy programs make around their TLS code: the error queue's
 * marks and its file/line/data readers, OPENSSL_malloc and friends, generic stacks, version
 * queries, BIO byte counters, chains and retry readers, the socket error classifiers, digest
 * and cipher context resets, a key's group name, the _AUX certificate readers and certificate
 * references. Built unchanged against the system OpenSSL and against ftls' root; the two
 * outputs must be identical.
 *
 *   unit_crypto_api CERT.pem KEY.pem
 */
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/stack.h>
#include <openssl/x509.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Queues one error the way a failing call does: a missing file for BIO_new_file. */
static void fail_once(void)
{
    BIO *missing = BIO_new_file("/nonexistent/unit-crypto-api", "r");
    if (missing != NULL) {
        BIO_free(missing);
    }
}

static int print_line(const char *str, size_t len, void *u)
{
    (void)str;
    printf("  %s: a line of %s\n", (const char *)u, len > 0 ? "text" : "nothing");
    return 1;
}

static void errors(void)
{
    const char *file = NULL, *func = NULL, *data = NULL;
    int line = 0, flags = 0;
    unsigned long e;

    fail_once();
    e = ERR_peek_error_line(&file, &line);
    printf("peek_error_line: lib=%d file=%d line=%d\n", ERR_GET_LIB(e), file != NULL, line > 0);
    e = ERR_peek_last_error_line(&file, &line);
    printf("peek_last_error_line: lib=%d\n", ERR_GET_LIB(e));
    e = ERR_peek_error_line_data(&file, &line, &data, &flags);
    printf("peek_error_line_data: lib=%d data='%s' text=%d\n", ERR_GET_LIB(e),
           data != NULL ? data : "(null)", (flags & ERR_TXT_STRING) != 0);
    e = ERR_peek_last_error_line_data(&file, &line, &data, &flags);
    printf("peek_last_error_line_data: lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
    e = ERR_peek_error_all(&file, &line, &func, &data, &flags);
    printf("peek_error_all: lib=%d func=%d\n", ERR_GET_LIB(e), func != NULL);
    e = ERR_peek_last_error_all(&file, &line, &func, &data, &flags);
    printf("peek_last_error_all: lib=%d\n", ERR_GET_LIB(e));
    printf("func_error_string: %s\n", ERR_func_error_string(e) == NULL ? "NULL" : "text");
    e = ERR_get_error_line(&file, &line);
    printf("get_error_line: lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
    e = ERR_get_error_line_data(&file, &line, &data, &flags);
    printf("get_error_line_data: lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
    printf("queue now empty: %d\n", ERR_peek_error() == 0);

    fail_once();
    e = ERR_get_error_all(&file, &line, &func, &data, &flags);
    printf("get_error_all: lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();

    /* Marks: errors queued after the mark go with pop_to_mark; clear_last_mark keeps them. */
    fail_once();
    printf("set_mark: %d\n", ERR_set_mark());
    fail_once();
    printf("pop_to_mark: %d", ERR_pop_to_mark());
    printf(", left lib=%d\n", ERR_GET_LIB(ERR_peek_last_error()));
    printf("pop_to_mark without a mark: %d\n", ERR_pop_to_mark());
    ERR_clear_error();
    printf("set_mark on an empty queue: %d\n", ERR_set_mark());
    fail_once();
    printf("clear_last_mark: %d", ERR_clear_last_mark());
    printf(", still queued %d\n", ERR_peek_error() != 0);
    printf("pop_to_mark after clear_last_mark: %d", ERR_pop_to_mark());
    printf(", still queued %d\n", ERR_peek_error() != 0);
    fail_once();
    printf("set_mark, then clear_last_mark: %d", ERR_set_mark());
    printf(" %d", ERR_clear_last_mark());
    printf(", nothing popped: %d\n", ERR_pop_to_mark() == 0 && ERR_peek_error() == 0);
    ERR_print_errors_cb(print_line, (void *)"print_errors_cb");
    printf("after print_errors_cb: empty %d\n", ERR_peek_error() == 0);
}

static void memory(void)
{
    char *s = OPENSSL_strdup("legacy");
    char *n = OPENSSL_strndup("truncated text", 9);
    unsigned char *z = (unsigned char *)OPENSSL_zalloc(16);
    unsigned char *d = (unsigned char *)OPENSSL_memdup("\x01\x02\x03", 3);
    char *r;
    int zeros = 0, i;
    for (i = 0; i < 16; i++) {
        zeros += z[i] == 0;
    }
    printf("strdup '%s' strndup '%s' zalloc zeros %d memdup %d %d %d\n", s, n, zeros, d[0], d[1],
           d[2]);
    r = (char *)OPENSSL_realloc(s, 64);
    strcat(r, " grown");
    printf("realloc '%s'\n", r);
    OPENSSL_cleanse(r, 6);
    printf("cleanse: first bytes %d %d, rest '%s'\n", r[0], r[5], r + 6);
    printf("strdup(NULL) %d memdup(NULL) %d\n", OPENSSL_strdup(NULL) == NULL,
           OPENSSL_memdup(NULL, 0) == NULL);
    OPENSSL_free(r);
    OPENSSL_free(n);
    OPENSSL_free(z);
    OPENSSL_free(d);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void *copy_text(const void *s)
{
    return OPENSSL_strdup((const char *)s);
}

static void free_text(void *s)
{
    OPENSSL_free(s);
}

static void print_stack(const char *label, const OPENSSL_STACK *st)
{
    int i;
    printf("%s:", label);
    for (i = 0; i < OPENSSL_sk_num(st); i++) {
        printf(" %s", (const char *)OPENSSL_sk_value(st, i));
    }
    printf("\n");
}

static void stacks(void)
{
    OPENSSL_STACK *st = OPENSSL_sk_new(by_text), *reserved, *copy;
    static const char *words[] = {"delta", "alpha", "charlie", "bravo", "alpha"};
    size_t i;
    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        OPENSSL_sk_push(st, words[i]);
    }
    printf("sorted before sort: %d\n", OPENSSL_sk_is_sorted(st));
    OPENSSL_sk_sort(st);
    print_stack("sorted", st);
    printf("sorted after sort: %d, find_ex bravo %d, find_ex zulu %d\n",
           OPENSSL_sk_is_sorted(st), OPENSSL_sk_find_ex(st, "bravo"),
           OPENSSL_sk_find_ex(st, "zulu"));
    printf("find alpha %d, find_ex alpha %d, find_ex bz %d, find_ex aaa %d, find NULL %d\n",
           OPENSSL_sk_find(st, "alpha"), OPENSSL_sk_find_ex(st, "alpha"),
           OPENSSL_sk_find_ex(st, "bz"), OPENSSL_sk_find_ex(st, "aaa"),
           OPENSSL_sk_find(st, NULL));
    printf("set 0 -> %s\n", (const char *)OPENSSL_sk_set(st, 0, "echo"));
    printf("sorted after set: %d\n", OPENSSL_sk_is_sorted(st));
    printf("set_cmp_func returns the old one: %d\n",
           OPENSSL_sk_set_cmp_func(st, NULL) == by_text);
    copy = OPENSSL_sk_deep_copy(st, copy_text, free_text);
    OPENSSL_sk_zero(st);
    printf("zeroed num %d, deep copy num %d\n", OPENSSL_sk_num(st), OPENSSL_sk_num(copy));
    print_stack("deep copy", copy);
    OPENSSL_sk_pop_free(copy, free_text);
    OPENSSL_sk_free(st);

    reserved = OPENSSL_sk_new_reserve(NULL, 8);
    printf("new_reserve: %d num %d", reserved != NULL, OPENSSL_sk_num(reserved));
    printf(", reserve 100: %d", OPENSSL_sk_reserve(reserved, 100));
    printf(", reserve -1: %d\n", OPENSSL_sk_reserve(reserved, -1));
    OPENSSL_sk_free(reserved);
}

static void versions(void)
{
    unsigned long num = OpenSSL_version_num();
    printf("version: %u.%u, number's major/minor %lu.%lu, patch is a number %d\n",
           OPENSSL_version_major(), OPENSSL_version_minor(), num >> 28, (num >> 20) & 0xff,
           OPENSSL_version_patch() < 1000);
}

static void bios(void)
{
    BIO *mem = BIO_new(BIO_s_mem()), *filter = BIO_new(BIO_f_buffer()), *pair1 = NULL,
        *pair2 = NULL, *retry, *sock, *unpaired;
    char buf[32];
    size_t n = 0;
    int reason = -1, ok;

    ok = BIO_write_ex(mem, "counted bytes", 13, &n);
    printf("write_ex: %d written %d\n", ok, (int)n);
    ok = BIO_read_ex(mem, buf, 7, &n);
    printf("read_ex: %d read %d\n", ok, (int)n);
    ok = BIO_read_ex(mem, buf, sizeof buf, &n);
    printf("read_ex the rest: %d read %d\n", ok, (int)n);
    n = 99;
    ok = BIO_read_ex(mem, buf, sizeof buf, &n);
    printf("read_ex on empty: %d read %d\n", ok, (int)n);
    printf("numbers: read %d written %d\n", (int)BIO_number_read(mem),
           (int)BIO_number_written(mem));

    BIO_push(filter, mem);
    printf("find_type mem %d, buffer %d, socket %d\n", BIO_find_type(filter, BIO_TYPE_MEM) == mem,
           BIO_find_type(filter, BIO_TYPE_BUFFER) == filter,
           BIO_find_type(filter, BIO_TYPE_SOCKET) == NULL);
    BIO_set_next(filter, NULL);
    printf("set_next NULL: next %d\n", BIO_next(filter) == NULL);
    BIO_vfree(filter);

    BIO_new_bio_pair(&pair1, 16, &pair2, 16);
    unpaired = BIO_new(BIO_s_bio());
    printf("s_bio: pair type %d, unpaired type %d\n", BIO_method_type(pair1) == BIO_TYPE_BIO,
           BIO_method_type(unpaired) == BIO_TYPE_BIO);
    BIO_free(unpaired);
    BIO_write(pair1, "0123456789", 10);
    printf("ctrl_wpending %d\n", (int)BIO_ctrl_wpending(pair1));
    printf("read empty side: %d\n", BIO_read(pair1, buf, 4));
    retry = BIO_get_retry_BIO(pair1, &reason);
    printf("get_retry_BIO: itself %d reason %d\n", retry == pair1, reason);
    BIO_set_retry_reason(pair1, BIO_RR_CONNECT);
    printf("set_retry_reason -> %d\n", BIO_get_retry_reason(pair1));
    BIO_free(pair1);
    BIO_free(pair2);
    BIO_free(mem);

    sock = BIO_new(BIO_s_socket());
    printf("s_socket type %d\n", BIO_method_type(sock) == BIO_TYPE_SOCKET);
    printf("up_ref %d", BIO_up_ref(sock));
    printf(", first free %d", BIO_free(sock));
    printf(", second free %d\n", BIO_free(sock));
    sock = BIO_new(BIO_s_connect());
    printf("s_connect type %d\n", BIO_method_type(sock) == BIO_TYPE_CONNECT);
    BIO_free(sock);
    errno = EAGAIN;
    printf("sock_should_retry(-1) with EAGAIN %d, (0) %d\n", BIO_sock_should_retry(-1),
           BIO_sock_should_retry(0));
    printf("sock_non_fatal_error EINTR %d EINPROGRESS %d ECONNRESET %d\n",
           BIO_sock_non_fatal_error(EINTR), BIO_sock_non_fatal_error(EINPROGRESS),
           BIO_sock_non_fatal_error(ECONNRESET));
    printf("fd_non_fatal_error EAGAIN %d EPIPE %d\n", BIO_fd_non_fatal_error(EAGAIN),
           BIO_fd_non_fatal_error(EPIPE));
}

static void contexts(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, "abandoned", 9);
    printf("md reset %d", EVP_MD_CTX_reset(md));
    printf(", then sha1: init %d", EVP_DigestInit_ex(md, EVP_sha1(), NULL));
    printf(" update %d", EVP_DigestUpdate(md, "abc", 3));
    printf(" final %d", EVP_DigestFinal_ex(md, out, &len));
    printf(" len %u first %02x\n", len, out[0]);
    EVP_CIPHER_CTX_reset(cipher);
    printf("cipher reset %d\n", EVP_CIPHER_CTX_reset(cipher));
    EVP_MD_CTX_free(md);
    EVP_CIPHER_CTX_free(cipher);
}

static void certificates(const char *cert_path, const char *key_path)
{
    FILE *fp = fopen(cert_path, "r");
    BIO *bio = BIO_new_file(cert_path, "r");
    X509 *aux = fp != NULL ? PEM_read_X509_AUX(fp, NULL, NULL, NULL) : NULL;
    X509 *bio_aux = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
    BIO *key_bio = BIO_new_file(key_path, "r");
    EVP_PKEY *key = PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL);
    char group[64];
    size_t group_len = 0;
    ASN1_TIME *not_before;
    BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);
    ASN1_STRING *cn;

    printf("X509_AUX: file %d bio %d\n", aux != NULL, bio_aux != NULL);
    printf("up_ref %d\n", X509_up_ref(aux));
    X509_free(aux);
    not_before = X509_getm_notBefore(aux);
    printf("getm_notBefore: ");
    ASN1_TIME_print(out, not_before);
    printf("\n");
    cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(X509_get_subject_name(aux),
        X509_NAME_get_index_by_NID(X509_get_subject_name(aux), NID_commonName, -1)));
    printf("ASN1_STRING_data: '%.*s'\n", ASN1_STRING_length(cn),
           (const char *)ASN1_STRING_data(cn));
    printf("group param: %d", EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                                            group, sizeof group, &group_len));
    printf(" '%s' (%d)\n", group, (int)group_len);
    ERR_clear_error();
    BIO_free(out);
    EVP_PKEY_free(key);
    BIO_free(key_bio);
    X509_free(bio_aux);
    X509_free(aux);
    BIO_free(bio);
    if (fp != NULL) {
        fclose(fp);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: unit_crypto_api CERT.pem KEY.pem\n");
        return 2;
    }
    errors();
    memory();
    stacks();
    versions();
    bios();
    contexts();
    certificates(argv[1], argv[2]);
    OPENSSL_thread_stop();
    OPENSSL_cleanup();
    printf("done\n");
    return 0;
}
