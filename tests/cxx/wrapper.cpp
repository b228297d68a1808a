// wrapper: include/ftls.hpp as a C++ user meets it (compiled by tests/cxx.rs as C++11 and as
// C++17 with -Wall -Wextra -Wpedantic -Werror, linked against the library and run):
//
//   wrapper CERT_DIR
//
// The error model (exceptions with code, category, name and detail; would-block and
// close_notify as statuses), ownership (moves, configs outliving nothing) and a handshake with
// data both ways and a clean close, over a socketpair; C++ callables as transport and
// handshake callbacks, whose exceptions reach the caller instead of aborting the process
// (ftls is not C++: nothing may unwind through it). Prints one line per check and
// "SUMMARY: N checks, M failed"; exits 0 when every check passed.

#include <ftls.hpp> // first: the header must stand on its own

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace {

int checks = 0;
int failures = 0;

void check(bool passed, const std::string &what) {
    ++checks;
    if (!passed) {
        ++failures;
    }
    std::printf("%s %s\n", passed ? "ok  " : "FAIL", what.c_str());
}

// Runs `action`, which must throw ftls::error with `expected`; returns the error's detail.
template <typename Action>
std::string expect_error(const std::string &what, ftls_result expected, Action action) {
    try {
        action();
    } catch (const ftls::error &e) {
        check(e.code() == expected && std::strcmp(e.name(), ftls_result_name(expected)) == 0 &&
                  e.category() == ftls_result_category(expected),
              what + " throws " + ftls_result_name(expected) + " (got " + e.name() + ")");
        check(std::string(e.what()).find(std::string("(") + e.name() + ")") != std::string::npos,
              what + ": what() names the code: " + e.what());
        return e.detail();
    } catch (const std::exception &e) {
        check(false, what + " throws ftls::error, not: " + e.what());
        return std::string();
    }
    check(false, what + " throws");
    return std::string();
}

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

// A client config that trusts the test CA.
ftls::client_config trusting_the_test_ca(const std::string &certs) {
    return ftls::client_config_builder()
        .set_trust(ftls::trust().add_ca_file(certs + "/ca.pem"))
        .build();
}

void errors_carry_code_and_detail(const std::string &certs) {
    const std::string missing = certs + "/no-such-file.pem";
    std::string detail = expect_error("add_ca_file(missing)", FTLS_ERR_FILE, [&] {
        ftls::trust().add_ca_file(missing);
    });
    check(contains(detail, missing), "the detail names the file: " + detail);

    expect_error("build() without trust anchors", FTLS_ERR_CONFIG,
                 [] { ftls::client_config_builder().build(); });
    expect_error("a server without a certificate", FTLS_ERR_CONFIG,
                 [] { ftls::server_config_builder().build(); });
    expect_error("set_versions(0)", FTLS_ERR_INVALID_ARGUMENT,
                 [] { ftls::client_config_builder().set_versions(0); });

    const ftls::client_config config = trusting_the_test_ca(certs);
    detail = expect_error("a connection to an invalid name", FTLS_ERR_INVALID_SERVER_NAME,
                          [&] { ftls::connection(config, "not a host name!"); });
    check(detail.empty(), "a constructor has no object to keep a detail: the code says it all");
    const ftls::connection fresh(config, "localhost");
    expect_error("protocol_version() before the handshake", FTLS_ERR_INVALID_STATE,
                 [&] { fresh.protocol_version(); });
    check(fresh.is_handshaking() && fresh.wants_write(), "a new client wants to send its hello");
}

std::string read_file(const std::string &path) {
    std::string data;
    if (std::FILE *file = std::fopen(path.c_str(), "rb")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) {
            data.append(buf, n);
        }
        std::fclose(file);
    }
    return data;
}

void identities_and_trusts_are_loaded_once_and_shared(const std::string &certs) {
    const std::string chain = read_file(certs + "/server.pem");
    ftls::identity identity;
    expect_error("adding an identity that holds nothing", FTLS_ERR_INVALID_ARGUMENT,
                 [&] { ftls::server_config_builder().add_identity(identity); });
    std::string detail =
        expect_error("a key that is not the certificate's", FTLS_ERR_KEY_MISMATCH,
                     [&] { identity.set_mem(chain, read_file(certs + "/client.key")); });
    check(contains(detail, "does not match"), "the identity keeps the detail: " + detail);
    identity.set_mem(chain, read_file(certs + "/server.key"));
    ftls::server_config_builder first, second;
    first.add_identity(identity).build();
    second.add_identity(identity).build();

    // A builder keeps the trust as it was when set: adding to the trust later changes nothing.
    ftls::trust trust;
    ftls::client_config_builder builder;
    builder.set_trust(trust);
    trust.add_ca_mem(read_file(certs + "/ca.pem"));
    expect_error("a builder given an empty trust", FTLS_ERR_CONFIG, [&] { builder.build(); });
    builder.set_trust(trust).build();
}

void moved_from_objects_throw_instead_of_crashing(const std::string &certs) {
    ftls::client_config_builder builder;
    builder.set_trust(ftls::trust().add_ca_file(certs + "/ca.pem"));
    ftls::client_config_builder taken = std::move(builder);
    check(builder.get() == nullptr && taken.get() != nullptr, "a move transfers the handle");
    expect_error("a call on a moved-from builder", FTLS_ERR_NULL_ARGUMENT,
                 [&] { builder.set_trust(ftls::trust().add_webpki_roots()); });
    ftls::client_config config = taken.build();
    ftls::connection conn(config, "localhost");
    ftls::connection other = std::move(conn);
    expect_error("a call on a moved-from connection", FTLS_ERR_NULL_ARGUMENT,
                 [&] { conn.set_fd(0); });
    check(!conn.is_handshaking() && other.is_handshaking(), "queries on a moved-from connection");
}

void non_blocking_io_reports_statuses(const std::string &certs) {
    int fds[2];
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "socketpair");
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    {
        ftls::connection conn(trusting_the_test_ca(certs), "localhost");
        conn.set_fd(fds[0]);
        check(conn.handshake() == ftls::status::want_read,
              "a handshake with a silent peer wants to read (no exception)");
        char buf[16];
        ftls::io_result got = conn.read(buf, sizeof buf);
        check(got.status == ftls::status::want_read && got.bytes == 0, "so does read()");
    }
    close(fds[0]);
    close(fds[1]);
}

// The server side, on its own thread: answers "ping" with "pong" and closes cleanly. Records
// "served", or the name of the error that stopped it.
void serve(ftls::connection conn, std::string *outcome) {
    try {
        char buf[16];
        ftls::io_result got = conn.read(buf, sizeof buf);
        if (got.status != ftls::status::ok || std::string(buf, got.bytes) != "ping") {
            *outcome = "no ping";
            return;
        }
        conn.write("pong", 4);
        conn.shutdown(false);
        *outcome = "served";
    } catch (const ftls::error &e) {
        *outcome = e.name();
    }
}

// Runs `client_side` on a client connection trusting `client_ca`, over a socketpair, against
// serve() on another thread; returns the server's outcome.
template <typename ClientSide>
std::string against_server(const std::string &certs, const std::string &client_ca,
                           ClientSide client_side) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        return std::string("socketpair: ") + std::strerror(errno);
    }
    // Each config is gone as soon as its connection exists: a connection keeps what it needs.
    ftls::connection server_conn = [&]() -> ftls::connection {
        const ftls::server_config config =
            ftls::server_config_builder()
                .add_identity(
                    ftls::identity().set_file(certs + "/server.pem", certs + "/server.key"))
                .set_alpn({"h2", "http/1.1"})
                .build();
        return ftls::connection(config);
    }();
    ftls::connection client = [&]() -> ftls::connection {
        const ftls::client_config config =
            ftls::client_config_builder()
                .set_trust(ftls::trust().add_ca_file(certs + "/" + client_ca))
                .set_alpn({"h2"})
                .build();
        return ftls::connection(config, "localhost");
    }();
    server_conn.set_fd(fds[1]);
    client.set_fd(fds[0]);
    std::string outcome;
    std::thread server(serve, std::move(server_conn), &outcome);
    client_side(client);
    shutdown(fds[0], SHUT_RDWR); // whatever happened, the server's read ends
    server.join();
    close(fds[0]);
    close(fds[1]);
    return outcome;
}

void handshake_and_data(ftls::connection &client) {
    try {
        check(client.handshake() == ftls::status::ok, "the client's handshake completes");
        check(!client.is_handshaking(), "is_handshaking() is false afterwards");
        check(client.protocol_version() == "TLSv1.3", "TLSv1.3: " + client.protocol_version());
        check(contains(client.cipher_suite(), "TLS_"), "cipher suite " + client.cipher_suite());
        check(!client.key_exchange_group().empty(), "group " + client.key_exchange_group());
        check(client.alpn_protocol() == "h2", "ALPN h2: '" + client.alpn_protocol() + "'");
        ftls::io_result sent = client.write("ping", 4);
        check(sent.status == ftls::status::ok && sent.bytes == 4, "write() takes all 4 bytes");
        char buf[16];
        ftls::io_result got = client.read(buf, sizeof buf);
        check(got.status == ftls::status::ok && std::string(buf, got.bytes) == "pong",
              "read() returns the answer");
        got = client.read(buf, sizeof buf);
        check(got.status == ftls::status::closed && got.bytes == 0,
              "the server's close_notify is status::closed, not an exception");
    } catch (const std::exception &e) {
        check(false, std::string("the client side: ") + e.what());
    }
}

void untrusted_server(ftls::connection &client) {
    std::string detail = expect_error("a handshake with an untrusted server",
                                      FTLS_ERR_CERT_UNKNOWN_ISSUER, [&] { client.handshake(); });
    check(contains(detail, "issuer"), "the detail explains: " + detail);
}

// ---- C++ callables as ftls callbacks: exceptions never unwind through ftls ----------------

struct from_callback : std::runtime_error {
    from_callback() : std::runtime_error("thrown by a callback") {}
};

// One direction of an in-memory transport, as lambdas for read_tls / write_tls.
struct memory_pipe {
    std::string bytes;

    int write(const std::uint8_t *buf, std::size_t len, std::size_t &n) {
        bytes.append(reinterpret_cast<const char *>(buf), len);
        n = len;
        return 0;
    }
    int read(std::uint8_t *buf, std::size_t len, std::size_t &n) {
        if (bytes.empty()) {
            return EAGAIN;
        }
        n = bytes.size() < len ? bytes.size() : len;
        std::memcpy(buf, bytes.data(), n);
        bytes.erase(0, n);
        return 0;
    }
};

// Moves everything `from` has to say into `to` (write_tls, read_tls, process_new_packets).
void send(ftls::connection &from, memory_pipe &pipe, ftls::connection &to) {
    while (from.wants_write()) {
        from.write_tls([&](const std::uint8_t *buf, std::size_t len, std::size_t &n) {
            return pipe.write(buf, len, n);
        });
    }
    while (!pipe.bytes.empty()) {
        to.read_tls(
            [&](std::uint8_t *buf, std::size_t len, std::size_t &n) { return pipe.read(buf, len, n); });
        to.process_new_packets();
    }
}

struct memory_pair {
    ftls::connection client;
    ftls::connection server;
    memory_pipe to_server, to_client;

    explicit memory_pair(const std::string &certs)
        : client(trusting_the_test_ca(certs), "localhost"),
          server(ftls::server_config_builder()
                     .add_identity(
                         ftls::identity().set_file(certs + "/server.pem", certs + "/server.key"))
                     .build()) {}

    bool handshake() {
        for (int round = 0; round < 10 && (client.is_handshaking() || server.is_handshaking());
             ++round) {
            send(client, to_server, server);
            send(server, to_client, client);
        }
        return !client.is_handshaking() && !server.is_handshaking();
    }
};

// Runs `action`, which must throw from_callback (not ftls::error, and without aborting).
template <typename Action> void expect_callback_exception(const std::string &what, Action action) {
    try {
        action();
        check(false, what + ": the callback's exception reaches the caller");
    } catch (const from_callback &) {
        check(true, what + ": the callback's exception reaches the caller unchanged");
    } catch (const std::exception &e) {
        check(false, what + ": expected the callback's own exception, got: " + e.what());
    }
}

void callables_as_transport_and_handshake_callbacks(const std::string &certs) {
    try {
        memory_pair pair(certs);
        check(pair.handshake(), "a handshake over read_tls / write_tls with lambdas");
        const char ping[] = "ping";
        pair.client.write(ping, 4);
        send(pair.client, pair.to_server, pair.server);
        char buf[8];
        ftls::io_result got = pair.server.read(buf, sizeof buf);
        check(got.status == ftls::status::ok && std::string(buf, got.bytes) == "ping",
              "data flows over the lambdas");
    } catch (const std::exception &e) {
        check(false, std::string("the in-memory pair: ") + e.what());
    }
}

void a_throwing_write_callback_fails_the_call(const std::string &certs) {
    memory_pair pair(certs);
    expect_callback_exception("write_tls", [&] {
        pair.client.write_tls(
            [](const std::uint8_t *, std::size_t, std::size_t &) -> int { throw from_callback(); });
    });
    std::string detail = expect_error("the next read_tls", FTLS_ERR_IO, [&] {
        pair.client.read_tls([](std::uint8_t *, std::size_t, std::size_t &) { return EAGAIN; });
    });
    check(!detail.empty(), "the connection failed as after an I/O error: " + detail);
}

void a_throwing_read_callback_fails_the_call(const std::string &certs) {
    memory_pair pair(certs);
    send(pair.client, pair.to_server, pair.server);
    expect_callback_exception("read_tls", [&] {
        pair.server.read_tls(
            [](std::uint8_t *, std::size_t, std::size_t &) -> int { throw from_callback(); });
    });
}

void a_throwing_handshake_callback_does_not_stop_the_handshake(const std::string &certs) {
    memory_pair pair(certs);
    int events = 0;
    pair.client.set_handshake_callback([&](const ftls_handshake_event &) {
        if (++events == 1) {
            throw from_callback();
        }
    });
    expect_callback_exception("the write_tls during which the handshake callback threw", [&] {
        pair.client.write_tls([&](const std::uint8_t *buf, std::size_t len, std::size_t &n) {
            return pair.to_server.write(buf, len, n);
        });
    });
    check(!pair.to_server.bytes.empty(), "the ClientHello went out all the same");
    try {
        send(pair.server, pair.to_client, pair.client); // nothing yet: the server has not read
        send(pair.client, pair.to_server, pair.server);
        check(pair.handshake(), "the handshake completes afterwards");
        check(events > 1, "later events still arrive (" + std::to_string(events) + ")");
        ftls::connection moved = std::move(pair.client);
        check(moved.protocol_version() == "TLSv1.3", "the callback survives a move");
    } catch (const std::exception &e) {
        check(false, std::string("after the exception: ") + e.what());
    }
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: wrapper CERT_DIR\n");
        return 2;
    }
    const std::string certs = argv[1];
    check(ftls::version().compare(0, 5, "ftls ") == 0, "ftls::version(): " + ftls::version());
    errors_carry_code_and_detail(certs);
    moved_from_objects_throw_instead_of_crashing(certs);
    identities_and_trusts_are_loaded_once_and_shared(certs);
    non_blocking_io_reports_statuses(certs);
    std::string outcome = against_server(certs, "ca.pem", handshake_and_data);
    check(outcome == "served", "the server side: " + outcome);
    // The client trusts another CA than the one that issued the server's certificate.
    outcome = against_server(certs, "other-ca.pem", untrusted_server);
    check(outcome == "FTLS_ERR_ALERT_RECEIVED", "the server hears the alert: " + outcome);
    callables_as_transport_and_handshake_callbacks(certs);
    a_throwing_write_callback_fails_the_call(certs);
    a_throwing_read_callback_fails_the_call(certs);
    a_throwing_handshake_callback_does_not_stop_the_handshake(certs);
    std::printf("SUMMARY: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
