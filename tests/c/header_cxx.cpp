// header_cxx: include/ftls.h used from C++11 (compiled by tests/c_api.rs with
// c++ -std=c++11 -Wall -Wextra -Werror), linked against the library and run.
// Exits 0 when every check passed; prints one line per check.

#include <ftls.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

static_assert(FTLS_VERSION_NUMBER ==
                  FTLS_VERSION_MAJOR * 1000000 + FTLS_VERSION_MINOR * 1000 + FTLS_VERSION_PATCH,
              "the version macros are constant expressions in C++");
static_assert(FTLS_PROTOCOL_ALL == (FTLS_PROTOCOL_TLS12 | FTLS_PROTOCOL_TLS13),
              "the protocol flags are constant expressions");

static int failures = 0;

static void check(bool passed, const char *what)
{
    std::printf("%s %s\n", passed ? "ok  " : "FAIL", what);
    if (!passed) {
        failures++;
    }
}

// A transport callback written in C++, passed through the header's typedef.
static int no_data(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    (void)buf;
    (void)len;
    (void)out_n;
    ++*static_cast<int *>(userdata);
    return EAGAIN;
}

int main()
{
    check(std::strncmp(ftls_version(), "ftls ", 5) == 0, "ftls_version()");

    ftls_result r = FTLS_ERR_CERT_EXPIRED;
    check(std::strcmp(ftls_result_name(r), "FTLS_ERR_CERT_EXPIRED") == 0, "ftls_result_name()");
    switch (ftls_result_category(r)) {
    case FTLS_CATEGORY_CERTIFICATE:
        check(true, "ftls_result_category() in a switch");
        break;
    default:
        check(false, "ftls_result_category() in a switch");
        break;
    }

    ftls_trust *trust = nullptr;
    check(ftls_trust_new(&trust) == FTLS_OK, "ftls_trust_new()");
    check(ftls_trust_add_webpki_roots(trust) == FTLS_OK, "add_webpki_roots()");
    ftls_client_config_builder *builder = nullptr;
    check(ftls_client_config_builder_new(&builder) == FTLS_OK, "ftls_client_config_builder_new()");
    check(ftls_client_config_builder_set_trust(builder, trust) == FTLS_OK, "set_trust()");
    ftls_trust_free(trust);
    const char *const alpn[] = {"h2", "http/1.1"};
    check(ftls_client_config_builder_set_alpn(builder, alpn, 2) == FTLS_OK, "set_alpn()");
    ftls_client_config *config = nullptr;
    check(ftls_client_config_builder_build(builder, &config) == FTLS_OK, "build()");

    ftls_connection *conn = nullptr;
    check(ftls_client_connection_new(config, "example.com", &conn) == FTLS_OK,
          "ftls_client_connection_new()");
    int calls = 0;
    size_t n = 0;
    check(ftls_connection_read_tls(conn, no_data, &calls, &n) == FTLS_WANT_READ && calls == 1,
          "read_tls() with a C++ callback");
    ftls_str version = {nullptr, 0};
    check(ftls_connection_protocol_version(conn, nullptr, &version) == FTLS_ERR_INVALID_STATE,
          "ftls_str out-parameter");
    ftls_bytes protocol = {nullptr, 1};
    check(ftls_connection_alpn_protocol(conn, &protocol) == FTLS_OK && protocol.len == 0,
          "ftls_bytes out-parameter");

    ftls_connection_free(conn);
    ftls_client_config_free(config);
    ftls_client_config_builder_free(builder);
    ftls_server_config_free(nullptr);

    std::printf("SUMMARY: %d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
