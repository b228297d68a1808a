/*
 * check.h: the tiny test framework of the C API tests (the programs in tests/c, run by tests/c_api.rs).
 *
 * A program is a list of named cases; each case makes checks. Every check prints one line:
 *
 *     ok   <case>: <what was checked>
 *     FAIL <case>: <what>: expected X, got Y [file:line]
 *          detail: <the object's _last_error() text>
 *
 * and the program ends with "SUMMARY: N checks, M failed", exiting 1 if anything failed (or if
 * no check ran at all). tests/c_api.rs prints the FAIL lines first when a program fails.
 *
 * Everything here is `static inline` so that a program may use any subset of it under
 * -Wall -Werror.
 */
#ifndef FTLS_TEST_CHECK_H
#define FTLS_TEST_CHECK_H

#include <ftls.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define CHECK_PRINTF_LIKE(fmt_index, first_arg) \
    __attribute__((format(printf, fmt_index, first_arg)))
#else
#define CHECK_PRINTF_LIKE(fmt_index, first_arg)
#endif

static int check_count;
static int check_failures;
static const char *check_case = "-";

/* ---------------------------------------------------------------------------------------------
 * Fetching an object's `_last_error()` detail
 * ------------------------------------------------------------------------------------------ */

/* One signature for the objects' `_last_error()` functions, so checks can take any of them. */
typedef ftls_result (*detail_getter)(const void *object, char *buf, size_t buf_len,
                                     size_t *out_len);

static inline ftls_result conn_last_error(const void *object, char *buf, size_t buf_len,
                                          size_t *out_len)
{
    return ftls_connection_last_error((const ftls_connection *)object, buf, buf_len, out_len);
}

static inline ftls_result client_builder_last_error(const void *object, char *buf,
                                                    size_t buf_len, size_t *out_len)
{
    return ftls_client_config_builder_last_error((const ftls_client_config_builder *)object,
                                                 buf, buf_len, out_len);
}

static inline ftls_result server_builder_last_error(const void *object, char *buf,
                                                    size_t buf_len, size_t *out_len)
{
    return ftls_server_config_builder_last_error((const ftls_server_config_builder *)object,
                                                 buf, buf_len, out_len);
}

static inline ftls_result identity_last_error(const void *object, char *buf, size_t buf_len,
                                              size_t *out_len)
{
    return ftls_identity_last_error((const ftls_identity *)object, buf, buf_len, out_len);
}

static inline ftls_result trust_last_error(const void *object, char *buf, size_t buf_len,
                                           size_t *out_len)
{
    return ftls_trust_last_error((const ftls_trust *)object, buf, buf_len, out_len);
}

#define DETAIL_MAX 4096

/* The object's detail, in one of a few rotating static buffers (so two can be printed in one
 * printf). Never NULL. */
static inline const char *detail_text(detail_getter get, const void *object)
{
    static char buffers[4][DETAIL_MAX];
    static unsigned next;
    char *buf = buffers[next++ % 4];
    size_t full = 0;
    ftls_result r;

    if (get == NULL || object == NULL) {
        return "(no object)";
    }
    r = get(object, buf, DETAIL_MAX, &full);
    if (r != FTLS_OK) {
        snprintf(buf, DETAIL_MAX, "(_last_error itself failed: %s)", ftls_result_name(r));
    } else if (full >= DETAIL_MAX) {
        memcpy(buf + DETAIL_MAX - 4, "...", 4);
    }
    return buf;
}

#define CONN_DETAIL(conn) detail_text(conn_last_error, (conn))
#define CLIENT_BUILDER_DETAIL(b) detail_text(client_builder_last_error, (b))
#define SERVER_BUILDER_DETAIL(b) detail_text(server_builder_last_error, (b))
#define IDENTITY_DETAIL(id) detail_text(identity_last_error, (id))
#define TRUST_DETAIL(t) detail_text(trust_last_error, (t))

/* ---------------------------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------------------------ */

static inline void check_vreport(bool passed, const char *file, int line, const char *fmt,
                                 va_list args)
{
    check_count++;
    if (!passed) {
        check_failures++;
    }
    printf("%s %s: ", passed ? "ok  " : "FAIL", check_case);
    vprintf(fmt, args);
    if (!passed) {
        printf(" [%s:%d]", file, line);
    }
    printf("\n");
    fflush(stdout);
}

CHECK_PRINTF_LIKE(4, 5)
static inline bool check_at(const char *file, int line, bool passed, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    check_vreport(passed, file, line, fmt, args);
    va_end(args);
    return passed;
}

/* CHECK(condition, "printf format", ...): a plain boolean check with a description. */
#define CHECK(cond, ...) check_at(__FILE__, __LINE__, (cond) ? true : false, __VA_ARGS__)

/* A failure that is not a check of its own: setup that must work for the case to go on. Prints
 * only when it fails (and counts as a failed check then). */
CHECK_PRINTF_LIKE(3, 4)
static inline void setup_failed(const char *file, int line, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    check_vreport(false, file, line, fmt, args);
    va_end(args);
}

static inline bool check_result_at(const char *file, int line, const char *expr, int got,
                                   ftls_result want, detail_getter get, const void *object)
{
    if (got == (int)want) {
        return check_at(file, line, true, "%s -> %s", expr, ftls_result_name(got));
    }
    check_at(file, line, false, "%s: expected %s, got %s (%s)", expr, ftls_result_name(want),
             ftls_result_name(got), ftls_result_message(got));
    if (get != NULL) {
        printf("     detail: %s\n", detail_text(get, object));
    }
    return false;
}

/* CHECK_RESULT(call, FTLS_ERR_X): the call returns exactly that code. The *_ON variants also
 * print the object's detail when the code differs. All evaluate to true when it matched. */
#define CHECK_RESULT(call, want) \
    check_result_at(__FILE__, __LINE__, #call, (int)(call), (want), NULL, NULL)
#define CHECK_RESULT_CONN(conn, call, want) \
    check_result_at(__FILE__, __LINE__, #call, (int)(call), (want), conn_last_error, (conn))
#define CHECK_RESULT_CB(builder, call, want)                                        \
    check_result_at(__FILE__, __LINE__, #call, (int)(call), (want), client_builder_last_error, \
                    (builder))
#define CHECK_RESULT_SB(builder, call, want)                                        \
    check_result_at(__FILE__, __LINE__, #call, (int)(call), (want), server_builder_last_error, \
                    (builder))

#define CHECK_RESULT_ID(identity, call, want)                                      \
    check_result_at(__FILE__, __LINE__, #call, (int)(call), (want), identity_last_error, \
                    (identity))
#define CHECK_RESULT_TR(trust, call, want) \
    check_result_at(__FILE__, __LINE__, #call, (int)(call), (want), trust_last_error, (trust))

/* A result that is only compared (e.g. one recorded by the pump), with a label. */
static inline bool check_code_at(const char *file, int line, const char *label, int got,
                                 ftls_result want, detail_getter get, const void *object)
{
    return check_result_at(file, line, label, got, want, get, object);
}
#define CHECK_CODE(label, got, want) \
    check_code_at(__FILE__, __LINE__, (label), (int)(got), (want), NULL, NULL)
#define CHECK_CODE_CONN(label, conn, got, want) \
    check_code_at(__FILE__, __LINE__, (label), (int)(got), (want), conn_last_error, (conn))

/* The detail of the object's last failure contains `needle`. */
static inline bool check_detail_at(const char *file, int line, const char *what,
                                   detail_getter get, const void *object, const char *needle)
{
    const char *text = detail_text(get, object);
    return check_at(file, line, strstr(text, needle) != NULL, "%s detail mentions \"%s\": \"%s\"",
                    what, needle, text);
}
#define CHECK_CONN_DETAIL(conn, needle) \
    check_detail_at(__FILE__, __LINE__, #conn, conn_last_error, (conn), (needle))
#define CHECK_CB_DETAIL(builder, needle) \
    check_detail_at(__FILE__, __LINE__, #builder, client_builder_last_error, (builder), (needle))
#define CHECK_SB_DETAIL(builder, needle) \
    check_detail_at(__FILE__, __LINE__, #builder, server_builder_last_error, (builder), (needle))
#define CHECK_ID_DETAIL(identity, needle) \
    check_detail_at(__FILE__, __LINE__, #identity, identity_last_error, (identity), (needle))
#define CHECK_TR_DETAIL(trust, needle) \
    check_detail_at(__FILE__, __LINE__, #trust, trust_last_error, (trust), (needle))

/* ftls_str / ftls_bytes equal a C string. */
static inline bool str_equals(ftls_str s, const char *want)
{
    size_t n = strlen(want);
    return s.len == n && (n == 0 || (s.data != NULL && memcmp(s.data, want, n) == 0));
}

static inline bool bytes_equal_text(ftls_bytes b, const char *want)
{
    size_t n = strlen(want);
    return b.len == n && (n == 0 || (b.data != NULL && memcmp(b.data, want, n) == 0));
}

#define CHECK_STR(label, s, want)                                                          \
    check_at(__FILE__, __LINE__, str_equals((s), (want)), "%s is \"%s\" (got \"%.*s\")", \
             (label), (want), (int)(s).len, (s).data != NULL ? (s).data : "")
#define CHECK_BYTES_TEXT(label, b, want)                                                         \
    check_at(__FILE__, __LINE__, bytes_equal_text((b), (want)), "%s is \"%s\" (got \"%.*s\")", \
             (label), (want), (int)(b).len, (b).data != NULL ? (const char *)(b).data : "")

/* ---------------------------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

/* Runs every case (or only the one named `only`, if not NULL), prints the summary and returns
 * the exit status. */
static inline int run_cases(const test_case *cases, size_t count, const char *only)
{
    size_t i;
    int ran = 0;
    for (i = 0; i < count; i++) {
        if (only != NULL && strcmp(only, cases[i].name) != 0) {
            continue;
        }
        check_case = cases[i].name;
        cases[i].run();
        ran++;
    }
    check_case = "-";
    if (ran == 0) {
        printf("FAIL no case ran%s%s\n", only ? " named " : "", only ? only : "");
        check_failures++;
    }
    printf("SUMMARY: %d checks, %d failed\n", check_count, check_failures);
    return check_failures == 0 && check_count > 0 ? 0 : 1;
}

#define RUN_CASES(cases, only) run_cases((cases), sizeof(cases) / sizeof((cases)[0]), (only))

/* The main of a program whose cases take the certificate directory: `PROGRAM CERT_DIR [CASE]`.
 * (cert_dir is defined below, with the files.) */
#define RUN_CASES_WITH_CERT_DIR(argc, argv, cases)                                 \
    ((argc) < 2 ? (fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", (argv)[0]), 2)  \
                : (cert_dir = (argv)[1], RUN_CASES((cases), (argc) > 2 ? (argv)[2] : NULL)))

/* ---------------------------------------------------------------------------------------------
 * Files
 * ------------------------------------------------------------------------------------------ */

static const char *cert_dir = ".";

/* "<cert_dir>/<name>", in one of a few rotating static buffers. */
static inline const char *cert_path(const char *name)
{
    static char buffers[8][4096];
    static unsigned next;
    char *buf = buffers[next++ % 8];
    snprintf(buf, sizeof buffers[0], "%s/%s", cert_dir, name);
    return buf;
}

/* The whole file, malloc'ed (free it); NULL (with a failed check) if it cannot be read. */
static inline uint8_t *read_whole_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0;
    if (f == NULL) {
        setup_failed(__FILE__, __LINE__, "cannot open %s", path);
        return NULL;
    }
    for (;;) {
        size_t n;
        if (len == cap) {
            uint8_t *bigger;
            cap = cap ? cap * 2 : 4096;
            bigger = (uint8_t *)realloc(data, cap);
            if (bigger == NULL) {
                free(data);
                fclose(f);
                setup_failed(__FILE__, __LINE__, "out of memory reading %s", path);
                return NULL;
            }
            data = bigger;
        }
        n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    fclose(f);
    *out_len = len;
    return data;
}

static inline int base64_value(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* The DER of the first certificate in a PEM file (malloc'ed; free it), or NULL. */
static inline uint8_t *pem_file_first_cert_der(const char *path, size_t *out_len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    size_t text_len = 0, n = 0;
    uint8_t *text = read_whole_file(path, &text_len);
    uint8_t *der;
    const char *p, *end;
    unsigned bits = 0, nbits = 0;

    if (text == NULL) {
        return NULL;
    }
    der = (uint8_t *)malloc(text_len + 1);
    /* NUL-terminate a copy so strstr is safe. */
    if (der == NULL) {
        free(text);
        return NULL;
    }
    memcpy(der, text, text_len);
    der[text_len] = 0;
    free(text);
    text = der;
    der = (uint8_t *)malloc(text_len);
    p = strstr((const char *)text, begin);
    end = p ? strstr(p, "-----END CERTIFICATE-----") : NULL;
    if (der == NULL || p == NULL || end == NULL) {
        setup_failed(__FILE__, __LINE__, "no certificate PEM block in %s", path);
        free(der);
        free(text);
        return NULL;
    }
    for (p += sizeof begin - 1; p < end; p++) {
        int v = base64_value((unsigned char)*p);
        if (v < 0) {
            continue; /* line breaks, '=' padding */
        }
        bits = (bits << 6) | (unsigned)v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            der[n++] = (uint8_t)(bits >> nbits);
            bits &= (1u << nbits) - 1;
        }
    }
    free(text);
    *out_len = n;
    return der;
}

#endif /* FTLS_TEST_CHECK_H */
