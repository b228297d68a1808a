// tls-get: fetches one page over TLS with the C++ wrappers of include/ftls.hpp.
//
//   tls-get --ca CA.pem HOST PORT [PATH]
//
// Prints the response on stdout and one line naming the negotiated parameters on stderr;
// exits 0 after the server's close_notify, 2 when the connection fails (one line naming the
// cause and its ftls_result), 1 on bad arguments.

#include <ftls.hpp>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A connected TCP socket, closed when it goes out of scope (ftls never closes it).
class socket_fd {
public:
    socket_fd(const std::string &host, const std::string &port) {
        addrinfo hints = addrinfo();
        hints.ai_socktype = SOCK_STREAM;
        addrinfo *found = nullptr;
        if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) {
            throw std::runtime_error("cannot resolve " + host + ":" + port);
        }
        for (addrinfo *a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
            fd_ = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
            if (fd_ >= 0 && connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
                close(fd_);
                fd_ = -1;
            }
        }
        freeaddrinfo(found);
        if (fd_ < 0) {
            throw std::runtime_error("cannot connect to " + host + ":" + port + ": " +
                                     std::strerror(errno));
        }
    }
    ~socket_fd() { close(fd_); }
    socket_fd(const socket_fd &) = delete;
    socket_fd &operator=(const socket_fd &) = delete;

    int get() const { return fd_; }

private:
    int fd_ = -1;
};

int get(const std::string &ca, const std::string &host, const std::string &port,
        const std::string &path) {
    // The config is built once and could serve any number of connections.
    const ftls::client_config config = ftls::client_config_builder()
                                           .set_trust(ftls::trust().add_ca_file(ca))
                                           .set_alpn({"http/1.1"})
                                           .build();
    socket_fd sock(host, port);
    ftls::connection conn(config, host);
    conn.set_fd(sock.get());

    conn.handshake();
    std::cerr << "handshake: " << conn.protocol_version() << " " << conn.cipher_suite() << " "
              << conn.key_exchange_group() << " alpn=" << conn.alpn_protocol() << "\n";

    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    conn.write(request.data(), request.size()); // a blocking socket takes all of it

    char buf[4096];
    for (;;) {
        ftls::io_result got = conn.read(buf, sizeof buf);
        if (got.status == ftls::status::closed) {
            return 0;
        }
        std::cout.write(buf, static_cast<std::streamsize>(got.bytes));
    }
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 5 || argc > 6 || std::strcmp(argv[1], "--ca") != 0) {
        std::cerr << "usage: tls-get --ca CA.pem HOST PORT [PATH]\n";
        return 1;
    }
    try {
        return get(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : "/");
    } catch (const std::exception &e) {
        // An ftls::error's text names the cause and its ftls_result, e.g. "the certificate was
        // not issued by a trusted CA: ... (FTLS_ERR_CERT_UNKNOWN_ISSUER)".
        std::cerr << "tls-get: " << e.what() << "\n";
    }
    return 2;
}
