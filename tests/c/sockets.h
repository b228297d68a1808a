/*
 * sockets.h: the few socket chores the fd tests share: non-blocking mode, waiting on an fd,
 * closing once, a connected loopback TCP pair, connecting to a local port, and waiting as an
 * ftls call that would block says.
 *
 * Like check.h, everything is `static inline`, so a program may use any subset of it.
 */
#ifndef FTLS_TEST_SOCKETS_H
#define FTLS_TEST_SOCKETS_H

#include "check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static inline bool set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        setup_failed(__FILE__, __LINE__, "fcntl(O_NONBLOCK) failed: %s", strerror(errno));
        return false;
    }
    return true;
}

static inline void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Waits until `fd` is ready for `events`. No timeout: the peers are programs and threads the
 * test controls, and the test driver kills a program that hangs. */
static inline void wait_for(int fd, short events)
{
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

/* The event-loop rule of ftls_connection_set_fd() for one connection: after `r`
 * (FTLS_WANT_READ or FTLS_WANT_WRITE) wait for what it asks, and for writability too while
 * output is queued; then send the queued output. The caller repeats its call. */
static inline void wait_as_told(ftls_connection *conn, int fd, ftls_result r)
{
    short events = r == FTLS_WANT_WRITE ? POLLOUT : POLLIN;
    if (ftls_connection_wants_write(conn)) {
        events |= POLLOUT;
    }
    wait_for(fd, events);
    if (ftls_connection_wants_write(conn)) {
        (void)ftls_connection_flush(conn); /* would-block or not: the caller's call goes on */
    }
}

static inline struct sockaddr_in loopback_address(uint16_t port)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return addr;
}

/* A blocking TCP socket connected to 127.0.0.1:port, or -1 (after a failed setup line). */
static inline int connect_loopback(uint16_t port)
{
    struct sockaddr_in addr = loopback_address(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)&addr, sizeof addr) != 0) {
        setup_failed(__FILE__, __LINE__, "cannot connect to 127.0.0.1:%u: %s", (unsigned)port,
                     strerror(errno));
        close_fd(&fd);
    }
    return fd;
}

/* Two connected blocking TCP sockets over loopback (a real TCP connection: unlike a
 * socketpair it can be reset). */
static inline bool tcp_pair(int fds[2])
{
    struct sockaddr_in addr = loopback_address(0);
    socklen_t len = sizeof addr;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    fds[0] = fds[1] = -1;
    if (listener < 0 || bind(listener, (const struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(listener, 1) != 0 || getsockname(listener, (struct sockaddr *)&addr, &len) != 0) {
        setup_failed(__FILE__, __LINE__, "cannot listen on loopback: %s", strerror(errno));
        close_fd(&listener);
        return false;
    }
    fds[0] = connect_loopback(ntohs(addr.sin_port));
    fds[1] = fds[0] < 0 ? -1 : accept(listener, NULL, NULL);
    close_fd(&listener);
    if (fds[1] < 0) {
        setup_failed(__FILE__, __LINE__, "cannot accept on loopback: %s", strerror(errno));
        close_fd(&fds[0]);
        return false;
    }
    return true;
}

/* Closes a TCP socket with a reset (RST) instead of an orderly end of stream (FIN). */
static inline void close_with_reset(int *fd)
{
    struct linger abort_on_close;
    abort_on_close.l_onoff = 1;
    abort_on_close.l_linger = 0;
    if (setsockopt(*fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) != 0) {
        setup_failed(__FILE__, __LINE__, "setsockopt(SO_LINGER) failed: %s", strerror(errno));
    }
    close_fd(fd);
}

#endif /* FTLS_TEST_SOCKETS_H */
