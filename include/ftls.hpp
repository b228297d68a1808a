/*
 * ftls.hpp: C++11 wrappers over ftls.h, header-only. Link with the same library (-lftls).
 *
 * OWNERSHIP. Each class owns one ftls handle and frees it in its destructor. Objects are
 * move-only; a moved-from object holds nothing, and any call on it throws ftls::error with
 * FTLS_ERR_NULL_ARGUMENT (never undefined behaviour). get() gives the C handle for any ftls.h
 * function not wrapped here; the object keeps owning it.
 *
 *   ftls::client_config config =
 *       ftls::client_config_builder().set_trust(ftls::trust().add_ca_file("ca.pem")).build();
 *   ftls::connection conn(config, "example.com");    // config may now go: conn keeps its part
 *   conn.set_fd(fd);
 *   conn.write(request.data(), request.size());      // handshakes first
 *
 * ERRORS: EXCEPTIONS. Every failure throws ftls::error, which carries the ftls_result code,
 * its category and name, and the failed object's detail (the certificate problem, the alert,
 * the errno...). Why exceptions rather than a result type: constructors are where these objects
 * fail (a builder cannot load its CA file, a connection cannot take its server name), and only
 * an exception lets a constructor fail without leaving a half-made object behind; C++11 has no
 * standard result type (std::expected is C++23), and a home-made one would be one more thing to
 * learn and to check. The outcomes that are not failures are never thrown: FTLS_WANT_READ,
 * FTLS_WANT_WRITE (non-blocking I/O: wait, then call again) and FTLS_CLOSED (the peer's
 * close_notify) come back as ftls::status values, so an event loop does not use exceptions for
 * control flow. Code built without exceptions (-fno-exceptions) uses ftls.h directly.
 *
 * THREADS: as in ftls.h. Configs are immutable and may be shared (by const reference) among
 * threads; a builder or a connection is used by one thread at a time.
 *
 * CALLBACKS. ftls is not C++: an exception thrown through it would abort the process, and a
 * longjmp out of a callback would skip its cleanup. The adapters here (connection::read_tls,
 * write_tls, set_handshake_callback) therefore catch whatever a C++ callable throws, give ftls
 * the callback's failure value instead (an I/O error for the transport; a handshake event has
 * none, so the handshake goes on), and rethrow the exception, unchanged, from the wrapper call
 * that ran the callback once ftls has returned. A C callback passed to ftls.h through get()
 * must catch everything itself.
 */
#ifndef FTLS_HPP
#define FTLS_HPP

#include <ftls.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ftls {

/* The library's version and its dependencies', e.g. "ftls 1.0.0 (rustls 0.23.46, ring 0.17.14)". */
inline std::string version() { return ftls_version(); }

/* A failed ftls call: what() reads "<meaning>: <detail> (<FTLS_ERR_NAME>)". */
class error : public std::runtime_error {
public:
    error(ftls_result code, const std::string &detail)
        : std::runtime_error(describe(code, detail)), code_(code), detail_(detail) {}

    ftls_result code() const noexcept { return code_; }
    ftls_category category() const noexcept { return ftls_result_category(code_); }
    /* "FTLS_ERR_CERT_EXPIRED"... */
    const char *name() const noexcept { return ftls_result_name(code_); }
    /* The failed object's detail; empty when there was no object to ask (a constructor). */
    const std::string &detail() const noexcept { return detail_; }

private:
    static std::string describe(ftls_result code, const std::string &detail) {
        std::string text = ftls_result_message(code);
        if (!detail.empty()) {
            text += ": " + detail;
        }
        return text + " (" + ftls_result_name(code) + ")";
    }

    ftls_result code_;
    std::string detail_;
};

/* The outcomes of an I/O call that are not failures. */
enum class status {
    ok,         /* done */
    want_read,  /* non-blocking fd: wait until it is readable, then call again */
    want_write, /* non-blocking fd: wait until it is writable, then call again */
    closed      /* the peer sent close_notify: no more data will come */
};

/* What read() and write() did: their status and how many bytes moved (0 unless ok). */
struct io_result {
    ftls::status status;
    std::size_t bytes;
};

namespace detail {

template <typename T, void (*Free)(T *)> struct deleter {
    void operator()(T *handle) const noexcept { Free(handle); }
};

/* An owning ftls handle: freed by its _free function, move-only. */
template <typename T, void (*Free)(T *)> using handle = std::unique_ptr<T, deleter<T, Free>>;

/* The detail of `object`'s last failure, through its _last_error function (which reports the
 * full length, so the text is never truncated). */
template <typename T>
std::string last_error(ftls_result (*get)(const T *, char *, std::size_t, std::size_t *),
                       const T *object) {
    std::size_t len = 0;
    if (object == nullptr || get(object, nullptr, 0, &len) != FTLS_OK || len == 0) {
        return std::string();
    }
    std::vector<char> text(len + 1);
    if (get(object, text.data(), text.size(), nullptr) != FTLS_OK) {
        return std::string();
    }
    return std::string(text.data(), len);
}

/* Throws unless `result` is FTLS_OK, with the detail `object` keeps. */
template <typename T>
void check(ftls_result result,
           ftls_result (*get)(const T *, char *, std::size_t, std::size_t *), const T *object) {
    if (result != FTLS_OK) {
        throw error(result, last_error(get, object));
    }
}

/* For constructors: no object exists yet to hold a detail; the code says it all. */
inline void check_new(ftls_result result) {
    if (result != FTLS_OK) {
        throw error(result, std::string());
    }
}

inline const std::uint8_t *bytes(const std::string &text) {
    return reinterpret_cast<const std::uint8_t *>(text.data());
}

inline std::string text(ftls_str s) { return s.len == 0 ? std::string() : std::string(s.data, s.len); }

inline std::string text(ftls_bytes b) {
    return b.len == 0 ? std::string() : std::string(reinterpret_cast<const char *>(b.data), b.len);
}

/* The C form of a list of ALPN protocols: pointers into `protocols`, valid while it lives. */
inline std::vector<const char *> c_strings(const std::vector<std::string> &protocols) {
    std::vector<const char *> pointers;
    pointers.reserve(protocols.size());
    for (const std::string &protocol : protocols) {
        pointers.push_back(protocol.c_str());
    }
    return pointers;
}

/* Where an exception thrown by a C++ callback waits while ftls, which it must not unwind
 * through, finishes the call that ran the callback. The first one is kept. */
class pending_exception {
public:
    void keep(std::exception_ptr exception) noexcept {
        if (!pending_) {
            pending_ = exception;
        }
    }
    /* Rethrows the kept exception, if any (and forgets it). */
    void rethrow() {
        if (pending_) {
            std::exception_ptr exception = pending_;
            pending_ = nullptr;
            std::rethrow_exception(exception);
        }
    }

private:
    std::exception_ptr pending_;
};

/* A transport callable for the duration of one read_tls / write_tls call. */
template <typename F> struct transport_call {
    F &callable;
    pending_exception exception;
};

/* The C callbacks over a C++ transport callable: an exception becomes EIO (ftls then fails
 * the call with FTLS_ERR_IO) and waits in `exception` for the wrapper to rethrow it. */
template <typename Read>
int read_through(void *userdata, std::uint8_t *buf, std::size_t len, std::size_t *out_n) {
    transport_call<Read> *call = static_cast<transport_call<Read> *>(userdata);
    try {
        return call->callable(buf, len, *out_n);
    } catch (...) {
        call->exception.keep(std::current_exception());
        return EIO;
    }
}

template <typename Write>
int write_through(void *userdata, const std::uint8_t *buf, std::size_t len, std::size_t *out_n) {
    transport_call<Write> *call = static_cast<transport_call<Write> *>(userdata);
    try {
        return call->callable(buf, len, *out_n);
    } catch (...) {
        call->exception.keep(std::current_exception());
        return EIO;
    }
}

/* A connection's own callbacks, at a fixed address (ftls keeps it as userdata) while the
 * connection object moves. */
struct connection_callbacks {
    std::function<void(const ftls_handshake_event &)> on_handshake;
    pending_exception exception;
};

inline void handshake_through(void *userdata, const ftls_handshake_event *event) {
    connection_callbacks *callbacks = static_cast<connection_callbacks *>(userdata);
    try {
        callbacks->on_handshake(*event);
    } catch (...) {
        callbacks->exception.keep(std::current_exception());
    }
}

} // namespace detail

/* A certificate chain and its private key, loaded once and added to any number of builders
 * (each keeps its own snapshot: the identity may change or go afterwards). */
class identity {
public:
    identity() {
        ftls_identity *identity = nullptr;
        detail::check_new(ftls_identity_new(&identity));
        handle_.reset(identity);
    }

    /* Decrypts an encrypted PKCS#8 key given to the next set_file / set_mem. */
    identity &set_password(const std::string &password) {
        return check(ftls_identity_set_password(get(), password.c_str()));
    }
    /* The chain (leaf first) and key files, each PEM or DER; replaces what the identity held. */
    identity &set_file(const std::string &chain_path, const std::string &key_path) {
        return check(ftls_identity_set_file(get(), chain_path.c_str(), key_path.c_str()));
    }
    /* The same from memory, each PEM or DER. */
    identity &set_mem(const std::string &chain, const std::string &key) {
        return check(ftls_identity_set_mem(get(), detail::bytes(chain), chain.size(),
                                           detail::bytes(key), key.size()));
    }
    /* A DER OCSP response a server staples to the certificate. */
    identity &set_ocsp_response(const std::string &response) {
        return check(
            ftls_identity_set_ocsp_response(get(), detail::bytes(response), response.size()));
    }

    ftls_identity *get() const noexcept { return handle_.get(); }

private:
    identity &check(ftls_result result) {
        detail::check(result, ftls_identity_last_error, get());
        return *this;
    }

    detail::handle<ftls_identity, ftls_identity_free> handle_;
};

/* What a peer's certificate is checked against: CA certificates (with CRLs and a revocation
 * policy) or pinned certificates. Set on any number of builders (each keeps its own snapshot). */
class trust {
public:
    trust() {
        ftls_trust *trust = nullptr;
        detail::check_new(ftls_trust_new(&trust));
        handle_.reset(trust);
    }

    /* CA certificates from a file (PEM or DER), a directory, memory (PEM or DER), the system's
     * store or the bundled webpki roots. */
    trust &add_ca_file(const std::string &path) {
        return check(ftls_trust_add_ca_file(get(), path.c_str()));
    }
    trust &add_ca_dir(const std::string &path) {
        return check(ftls_trust_add_ca_dir(get(), path.c_str()));
    }
    trust &add_ca_mem(const std::string &data) {
        return check(ftls_trust_add_ca_mem(get(), detail::bytes(data), data.size()));
    }
    trust &add_system_roots() { return check(ftls_trust_add_system_roots(get(), nullptr)); }
    trust &add_webpki_roots() { return check(ftls_trust_add_webpki_roots(get())); }
    /* CRLs, PEM or DER, and how they apply (FTLS_REVOCATION_* flags). */
    trust &add_crl_file(const std::string &path) {
        return check(ftls_trust_add_crl_file(get(), path.c_str()));
    }
    trust &add_crl_mem(const std::string &data) {
        return check(ftls_trust_add_crl_mem(get(), detail::bytes(data), data.size()));
    }
    trust &set_revocation_policy(std::uint32_t flags) {
        return check(ftls_trust_set_revocation_policy(get(), flags));
    }
    /* Exactly these certificates and no CA, PEM or DER (e.g. a self-signed one). */
    trust &add_pin_file(const std::string &path) {
        return check(ftls_trust_add_pin_file(get(), path.c_str()));
    }
    trust &add_pin_mem(const std::string &data) {
        return check(ftls_trust_add_pin_mem(get(), detail::bytes(data), data.size()));
    }

    ftls_trust *get() const noexcept { return handle_.get(); }

private:
    trust &check(ftls_result result) {
        detail::check(result, ftls_trust_last_error, get());
        return *this;
    }

    detail::handle<ftls_trust, ftls_trust_free> handle_;
};

/* An immutable client configuration, made by client_config_builder::build(). */
class client_config {
public:
    const ftls_client_config *get() const noexcept { return handle_.get(); }

private:
    friend class client_config_builder;
    explicit client_config(ftls_client_config *config) : handle_(config) {}
    detail::handle<ftls_client_config, ftls_client_config_free> handle_;
};

/* Collects client settings; each setter returns *this, so calls chain. */
class client_config_builder {
public:
    /* Defaults: TLS 1.2 and 1.3, SNI on, no ALPN, no client certificate, no trust anchors. */
    client_config_builder() {
        ftls_client_config_builder *builder = nullptr;
        detail::check_new(ftls_client_config_builder_new(&builder));
        handle_.reset(builder);
    }

    /* What the server's certificate is checked against; replaces an earlier trust. */
    client_config_builder &set_trust(const ftls::trust &trust) {
        return check(ftls_client_config_builder_set_trust(get(), trust.get()));
    }
    /* A client certificate, sent when a server asks for one. */
    client_config_builder &add_identity(const ftls::identity &identity) {
        return check(ftls_client_config_builder_add_identity(get(), identity.get()));
    }
    /* FTLS_PROTOCOL_TLS12, FTLS_PROTOCOL_TLS13 or FTLS_PROTOCOL_ALL. */
    client_config_builder &set_versions(std::uint32_t protocols) {
        return check(ftls_client_config_builder_set_versions(get(), protocols));
    }
    client_config_builder &set_alpn(const std::vector<std::string> &protocols) {
        std::vector<const char *> pointers = detail::c_strings(protocols);
        return check(ftls_client_config_builder_set_alpn(get(), pointers.data(), pointers.size()));
    }
    client_config_builder &set_sni(bool enable) {
        return check(ftls_client_config_builder_set_sni(get(), enable));
    }

    /* A config from the current settings; the builder stays usable. */
    client_config build() const {
        ftls_client_config *config = nullptr;
        detail::check(ftls_client_config_builder_build(get(), &config),
                      ftls_client_config_builder_last_error, get());
        return client_config(config);
    }

    ftls_client_config_builder *get() const noexcept { return handle_.get(); }

private:
    client_config_builder &check(ftls_result result) {
        detail::check(result, ftls_client_config_builder_last_error, get());
        return *this;
    }

    detail::handle<ftls_client_config_builder, ftls_client_config_builder_free> handle_;
};

/* An immutable server configuration, made by server_config_builder::build(). */
class server_config {
public:
    const ftls_server_config *get() const noexcept { return handle_.get(); }

private:
    friend class server_config_builder;
    explicit server_config(ftls_server_config *config) : handle_(config) {}
    detail::handle<ftls_server_config, ftls_server_config_free> handle_;
};

/* Collects server settings; each setter returns *this, so calls chain. */
class server_config_builder {
public:
    /* Defaults: TLS 1.2 and 1.3, no ALPN, no client authentication, no certificate. */
    server_config_builder() {
        ftls_server_config_builder *builder = nullptr;
        detail::check_new(ftls_server_config_builder_new(&builder));
        handle_.reset(builder);
    }

    /* A certificate chain and key to present; the first added is the default. */
    server_config_builder &add_identity(const ftls::identity &identity) {
        return check(ftls_server_config_builder_add_identity(get(), identity.get()));
    }
    /* FTLS_CLIENT_AUTH_NONE, FTLS_CLIENT_AUTH_OPTIONAL or FTLS_CLIENT_AUTH_REQUIRED. */
    server_config_builder &set_client_auth(std::uint32_t mode) {
        return check(ftls_server_config_builder_set_client_auth(get(), mode));
    }
    /* What client certificates are checked against; replaces an earlier trust. */
    server_config_builder &set_trust(const ftls::trust &trust) {
        return check(ftls_server_config_builder_set_trust(get(), trust.get()));
    }
    server_config_builder &set_versions(std::uint32_t protocols) {
        return check(ftls_server_config_builder_set_versions(get(), protocols));
    }
    server_config_builder &set_alpn(const std::vector<std::string> &protocols) {
        std::vector<const char *> pointers = detail::c_strings(protocols);
        return check(ftls_server_config_builder_set_alpn(get(), pointers.data(), pointers.size()));
    }

    server_config build() const {
        ftls_server_config *config = nullptr;
        detail::check(ftls_server_config_builder_build(get(), &config),
                      ftls_server_config_builder_last_error, get());
        return server_config(config);
    }

    ftls_server_config_builder *get() const noexcept { return handle_.get(); }

private:
    server_config_builder &check(ftls_result result) {
        detail::check(result, ftls_server_config_builder_last_error, get());
        return *this;
    }

    detail::handle<ftls_server_config_builder, ftls_server_config_builder_free> handle_;
};

/* One TLS connection over a socket (set_fd) or, through get(), ftls.h's callback API. */
class connection {
public:
    /* A client connection verifying the server as `server_name` (a DNS name or an IP). */
    connection(const client_config &config, const std::string &server_name) {
        ftls_connection *conn = nullptr;
        detail::check_new(ftls_client_connection_new(config.get(), server_name.c_str(), &conn));
        handle_.reset(conn);
    }

    /* A server connection, waiting for the client's hello. */
    explicit connection(const server_config &config) {
        ftls_connection *conn = nullptr;
        detail::check_new(ftls_server_connection_new(config.get(), &conn));
        handle_.reset(conn);
    }

    /* Binds the connection to a socket; ftls never closes it. */
    void set_fd(int fd) { check(ftls_connection_set_fd(get(), fd)); }
    void set_fds(int read_fd, int write_fd) {
        check(ftls_connection_set_fds(get(), read_fd, write_fd));
    }

    /* Runs the handshake to completion (optional: read and write do it). */
    ftls::status handshake() { return io(ftls_connection_handshake(get())); }

    /* Up to `len` bytes of application data; status closed at the peer's close_notify. */
    io_result read(void *buf, std::size_t len) {
        std::size_t n = 0;
        ftls::status s =
            io(ftls_connection_read(get(), static_cast<std::uint8_t *>(buf), len, &n));
        return io_result{s, s == ftls::status::ok ? n : 0};
    }

    /* Sends `len` bytes; on a blocking fd all of them, else as many as the fd takes. */
    io_result write(const void *buf, std::size_t len) {
        std::size_t n = 0;
        ftls::status s =
            io(ftls_connection_write(get(), static_cast<const std::uint8_t *>(buf), len, &n));
        return io_result{s, s == ftls::status::ok ? n : 0};
    }

    ftls::status flush() { return io(ftls_connection_flush(get())); }

    /* Sends close_notify; with `wait_for_peer`, also reads until the peer's. Throws
     * FTLS_ERR_IO when the peer had already closed its socket (common, usually harmless). */
    ftls::status shutdown(bool wait_for_peer) {
        return io(ftls_connection_shutdown(get(), wait_for_peer));
    }

    /* ftls.h's callback API with C++ callables (sans-I/O, as rustls): instead of an fd,
     * read_tls takes TLS bytes from `read` and write_tls hands pending ones to `write`, each
     * called once, as `int (std::uint8_t *buf, std::size_t len, std::size_t &n)` (write: a
     * const buffer): put the count moved in `n` and return 0, or return an errno (EAGAIN gives
     * status::want_read / want_write). Then process_new_packets(). An exception from the
     * callable fails the connection as an I/O error would, and reaches the caller unchanged. */
    template <typename Read> io_result read_tls(Read read) {
        detail::transport_call<Read> call = {read, detail::pending_exception()};
        std::size_t n = 0;
        ftls_result result =
            ftls_connection_read_tls(get(), detail::read_through<Read>, &call, &n);
        call.exception.rethrow();
        ftls::status s = io(result);
        return io_result{s, s == ftls::status::ok ? n : 0};
    }
    template <typename Write> io_result write_tls(Write write) {
        detail::transport_call<Write> call = {write, detail::pending_exception()};
        std::size_t n = 0;
        ftls_result result =
            ftls_connection_write_tls(get(), detail::write_through<Write>, &call, &n);
        call.exception.rethrow();
        ftls::status s = io(result);
        return io_result{s, s == ftls::status::ok ? n : 0};
    }
    /* Advances the handshake and decrypts what read_tls brought; throws the failure. */
    void process_new_packets() { check(ftls_connection_process_new_packets(get())); }

    /* Calls `callback` for each handshake event (see ftls_connection_set_handshake_callback:
     * right after construction, before any I/O). An exception it throws does not stop the
     * handshake: it is rethrown from the wrapper call during which the event came. */
    connection &set_handshake_callback(std::function<void(const ftls_handshake_event &)> callback) {
        if (!callbacks_) {
            callbacks_.reset(new detail::connection_callbacks());
        }
        callbacks_->on_handshake = std::move(callback);
        check(ftls_connection_set_handshake_callback(get(), detail::handshake_through,
                                                     callbacks_.get()));
        return *this;
    }

    /* Decrypted bytes read() can return without touching the fd. */
    std::size_t pending() const noexcept { return ftls_connection_pending(get()); }

    bool is_handshaking() const noexcept { return ftls_connection_is_handshaking(get()); }
    bool wants_read() const noexcept { return ftls_connection_wants_read(get()); }
    bool wants_write() const noexcept { return ftls_connection_wants_write(get()); }
    bool is_resumed() const noexcept { return ftls_connection_is_resumed(get()); }

    /* The negotiated values; each throws FTLS_ERR_INVALID_STATE before the handshake chose it. */
    std::string protocol_version() const {
        ftls_str name = {nullptr, 0};
        check(ftls_connection_protocol_version(get(), nullptr, &name));
        return detail::text(name);
    }
    std::string cipher_suite() const {
        ftls_str name = {nullptr, 0};
        check(ftls_connection_cipher_suite(get(), nullptr, &name));
        return detail::text(name);
    }
    std::string key_exchange_group() const {
        ftls_str name = {nullptr, 0};
        check(ftls_connection_key_exchange_group(get(), &name));
        return detail::text(name);
    }
    /* Empty when no ALPN protocol was negotiated. */
    std::string alpn_protocol() const {
        ftls_bytes protocol = {nullptr, 0};
        check(ftls_connection_alpn_protocol(get(), &protocol));
        return detail::text(protocol);
    }

    ftls_connection *get() const noexcept { return handle_.get(); }

private:
    /* After every call on the connection: first an exception a callback threw during it, then
     * the call's own failure. */
    void check(ftls_result result) const {
        if (callbacks_) {
            callbacks_->exception.rethrow();
        }
        detail::check(result, ftls_connection_last_error, get());
    }

    /* The non-failures become a status; everything else throws. */
    ftls::status io(ftls_result result) const {
        if (callbacks_) {
            callbacks_->exception.rethrow();
        }
        switch (result) {
        case FTLS_WANT_READ:
            return ftls::status::want_read;
        case FTLS_WANT_WRITE:
            return ftls::status::want_write;
        case FTLS_CLOSED:
            return ftls::status::closed;
        default:
            check(result);
            return ftls::status::ok;
        }
    }

    /* Declared first, destroyed last: ftls may call them until the connection is freed. */
    std::unique_ptr<detail::connection_callbacks> callbacks_;
    detail::handle<ftls_connection, ftls_connection_free> handle_;
};

} // namespace ftls

#endif /* FTLS_HPP */
