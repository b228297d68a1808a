/*
 * results: ftls_result_name / _message / _category for every code in the header and for
 * unknown values, and the version macros against ftls_version().
 *
 * tests/c_api.rs checks that every ftls_result constant of include/ftls.h is in the table
 * below, and that the header's version macros match Cargo.toml.
 *
 * Usage: results [CASE]
 */
#include "check.h"

#include <limits.h>

typedef struct {
    int code;
    const char *name;
    ftls_category category;
} known_result;

#define RESULT(code, category) {code, #code, category}

static const known_result known[] = {
    RESULT(FTLS_OK, FTLS_CATEGORY_OK),
    RESULT(FTLS_WANT_READ, FTLS_CATEGORY_WOULD_BLOCK),
    RESULT(FTLS_WANT_WRITE, FTLS_CATEGORY_WOULD_BLOCK),
    RESULT(FTLS_CLOSED, FTLS_CATEGORY_CLOSED),
    RESULT(FTLS_ERR_NULL_ARGUMENT, FTLS_CATEGORY_USAGE),
    RESULT(FTLS_ERR_INVALID_ARGUMENT, FTLS_CATEGORY_USAGE),
    RESULT(FTLS_ERR_INVALID_STATE, FTLS_CATEGORY_USAGE),
    RESULT(FTLS_ERR_UNSUPPORTED, FTLS_CATEGORY_USAGE),
    RESULT(FTLS_ERR_CONFIG, FTLS_CATEGORY_USAGE),
    RESULT(FTLS_ERR_INVALID_SERVER_NAME, FTLS_CATEGORY_USAGE),
    RESULT(FTLS_ERR_IO, FTLS_CATEGORY_IO),
    RESULT(FTLS_ERR_UNEXPECTED_EOF, FTLS_CATEGORY_IO),
    RESULT(FTLS_ERR_FILE, FTLS_CATEGORY_IO),
    RESULT(FTLS_ERR_PROTOCOL, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_BAD_MESSAGE, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_ALERT_RECEIVED, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_NO_COMMON_VERSION, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_NO_COMMON_CIPHER_SUITE, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_NO_COMMON_ALPN, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_HANDSHAKE_FAILURE, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_DECRYPT, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_CLIENT_CERT_REQUIRED, FTLS_CATEGORY_PROTOCOL),
    RESULT(FTLS_ERR_CERT_INVALID, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_UNKNOWN_ISSUER, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_EXPIRED, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_NOT_YET_VALID, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_NAME_MISMATCH, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_REVOKED, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_BAD_USAGE, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_REVOCATION_UNKNOWN, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_CERT_REJECTED, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_BAD_PEM, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_NO_CERTIFICATE, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_NO_PRIVATE_KEY, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_KEY_MISMATCH, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_UNSUPPORTED_KEY, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_BAD_PASSWORD, FTLS_CATEGORY_CERTIFICATE),
    RESULT(FTLS_ERR_PANIC, FTLS_CATEGORY_INTERNAL),
    RESULT(FTLS_ERR_INTERNAL, FTLS_CATEGORY_INTERNAL),
};

#define KNOWN_COUNT (sizeof known / sizeof known[0])

static const char *category_name(int category)
{
    switch (category) {
    case FTLS_CATEGORY_OK: return "FTLS_CATEGORY_OK";
    case FTLS_CATEGORY_WOULD_BLOCK: return "FTLS_CATEGORY_WOULD_BLOCK";
    case FTLS_CATEGORY_CLOSED: return "FTLS_CATEGORY_CLOSED";
    case FTLS_CATEGORY_USAGE: return "FTLS_CATEGORY_USAGE";
    case FTLS_CATEGORY_IO: return "FTLS_CATEGORY_IO";
    case FTLS_CATEGORY_PROTOCOL: return "FTLS_CATEGORY_PROTOCOL";
    case FTLS_CATEGORY_CERTIFICATE: return "FTLS_CATEGORY_CERTIFICATE";
    case FTLS_CATEGORY_INTERNAL: return "FTLS_CATEGORY_INTERNAL";
    case FTLS_CATEGORY_UNKNOWN: return "FTLS_CATEGORY_UNKNOWN";
    default: return "(not an ftls_category)";
    }
}

/* The range the header documents for each category. */
static bool number_fits_category(int code, ftls_category category)
{
    switch (category) {
    case FTLS_CATEGORY_OK: return code == 0;
    case FTLS_CATEGORY_WOULD_BLOCK: return code >= 1 && code <= 9;
    case FTLS_CATEGORY_CLOSED: return code >= 10 && code <= 19;
    case FTLS_CATEGORY_USAGE: return code >= 100 && code <= 199;
    case FTLS_CATEGORY_IO: return code >= 200 && code <= 299;
    case FTLS_CATEGORY_PROTOCOL: return code >= 300 && code <= 399;
    case FTLS_CATEGORY_CERTIFICATE: return code >= 400 && code <= 499;
    case FTLS_CATEGORY_INTERNAL: return code >= 900 && code <= 999;
    default: return false;
    }
}

static void case_every_known_code(void)
{
    size_t i, j;
    for (i = 0; i < KNOWN_COUNT; i++) {
        const known_result *k = &known[i];
        const char *name = ftls_result_name(k->code);
        const char *message = ftls_result_message(k->code);
        ftls_category category = ftls_result_category(k->code);

        CHECK(name != NULL && strcmp(name, k->name) == 0, "ftls_result_name(%d) is \"%s\" (got \"%s\")",
              k->code, k->name, name ? name : "(null)");
        CHECK(message != NULL && strlen(message) > 3 &&
                  strcmp(message, "unknown ftls_result value") != 0,
              "ftls_result_message(%s) is a sentence of its own: \"%s\"", k->name,
              message ? message : "(null)");
        CHECK(category == k->category, "ftls_result_category(%s) is %s (got %s)", k->name,
              category_name((int)k->category), category_name((int)category));
        CHECK(number_fits_category(k->code, k->category),
              "%s = %d lies in the documented range of %s", k->name, k->code,
              category_name((int)k->category));
        CHECK(ftls_result_name(k->code) == name && ftls_result_message(k->code) == message,
              "the name and message of %s are static (same pointer on every call)", k->name);
        for (j = 0; j < i; j++) {
            if (known[j].code == k->code ||
                strcmp(ftls_result_message(known[j].code), message) == 0) {
                CHECK(false, "%s and %s share a number or a message", known[j].name, k->name);
            }
        }
    }
    CHECK(KNOWN_COUNT == 39, "the table holds the 39 codes of the header (%zu)",
          (size_t)KNOWN_COUNT);
}

static void case_examples_from_the_header(void)
{
    CHECK(strcmp(ftls_result_name(FTLS_ERR_CERT_EXPIRED), "FTLS_ERR_CERT_EXPIRED") == 0,
          "the documented example: ftls_result_name(FTLS_ERR_CERT_EXPIRED)");
    CHECK(strcmp(ftls_result_message(FTLS_ERR_CERT_EXPIRED), "the certificate has expired") == 0,
          "the documented example: ftls_result_message(FTLS_ERR_CERT_EXPIRED) is \"%s\"",
          ftls_result_message(FTLS_ERR_CERT_EXPIRED));
    CHECK(ftls_result_category(FTLS_CLOSED) == FTLS_CATEGORY_CLOSED &&
              ftls_result_category(FTLS_WANT_READ) != FTLS_CATEGORY_USAGE,
          "FTLS_CLOSED is in the CLOSED category and would-block is not an error");
}

static void case_unknown_values(void)
{
    static const int unknown[] = {-1, 3, 9, 11, 19, 99, 106, 199, 203, 309, 399, 409, 456, 499,
                                  500, 899, 902, 999, 1000, 12345, INT_MIN, INT_MAX};
    size_t i;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        int v = unknown[i];
        const char *name = ftls_result_name(v);
        const char *message = ftls_result_message(v);
        CHECK(name != NULL && strcmp(name, "FTLS_UNKNOWN_RESULT") == 0,
              "ftls_result_name(%d) is FTLS_UNKNOWN_RESULT (got \"%s\")", v,
              name ? name : "(null)");
        CHECK(message != NULL && strcmp(message, "unknown ftls_result value") == 0,
              "ftls_result_message(%d) is \"unknown ftls_result value\" (got \"%s\")", v,
              message ? message : "(null)");
        CHECK(ftls_result_category(v) == FTLS_CATEGORY_UNKNOWN,
              "ftls_result_category(%d) is FTLS_CATEGORY_UNKNOWN (got %s)", v,
              category_name((int)ftls_result_category(v)));
    }
}

static void case_version(void)
{
    const char *text = ftls_version();
    char expected_prefix[64];
    unsigned major = 999, minor = 999, patch = 999;
    int consumed = 0;

    CHECK(FTLS_VERSION_NUMBER ==
              FTLS_VERSION_MAJOR * 1000000 + FTLS_VERSION_MINOR * 1000 + FTLS_VERSION_PATCH,
          "FTLS_VERSION_NUMBER (%d) is MAJOR * 1000000 + MINOR * 1000 + PATCH",
          (int)FTLS_VERSION_NUMBER);
    CHECK(FTLS_VERSION_MINOR < 1000 && FTLS_VERSION_PATCH < 1000,
          "MINOR and PATCH fit the formula's three digits");
#if FTLS_VERSION_NUMBER < 1000
#error "the version macros must be usable in #if and give at least 0.1.0"
#endif
    CHECK(text != NULL, "ftls_version() is not NULL");
    if (text == NULL) {
        return;
    }
    printf("version text: %s\n", text);
    snprintf(expected_prefix, sizeof expected_prefix, "ftls %d.%d.%d (rustls ",
             FTLS_VERSION_MAJOR, FTLS_VERSION_MINOR, FTLS_VERSION_PATCH);
    CHECK(strncmp(text, expected_prefix, strlen(expected_prefix)) == 0,
          "ftls_version() \"%s\" starts with \"%s\" (the header's macros)", text, expected_prefix);
    /* The provider's name (aws-lc-rs or ring) is checked exactly by tests/c_api.rs. */
    CHECK(sscanf(text, "ftls %u.%u.%u (rustls %*[0-9.], %*[a-z-] %*[0-9.])%n", &major, &minor,
                 &patch, &consumed) == 3 &&
              consumed == (int)strlen(text),
          "ftls_version() has the form \"ftls X.Y.Z (rustls A.B.C, PROVIDER D.E.F)\": \"%s\"",
          text);
    CHECK(major * 1000000 + minor * 1000 + patch == FTLS_VERSION_NUMBER,
          "the library's version %u.%u.%u gives FTLS_VERSION_NUMBER %d", major, minor, patch,
          (int)FTLS_VERSION_NUMBER);
    CHECK(strstr(text, "unknown") == NULL, "ftls_version() names no unknown dependency version");
    CHECK(ftls_version() == text, "ftls_version() is static (same pointer on every call)");
}

static const test_case cases[] = {
    {"every_known_code", case_every_known_code},
    {"examples_from_the_header", case_examples_from_the_header},
    {"unknown_values", case_unknown_values},
    {"version", case_version},
};

int main(int argc, char **argv)
{
    return RUN_CASES(cases, argc > 1 ? argv[1] : NULL);
}
