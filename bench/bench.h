/*
 * bench.h: what the two C benchmark programs (ftls_bench.c, openssl_bench.c) share: a clock,
 * an in-memory pipe, heap accounting, the command line and the output format.
 *
 * Every program prints one line per figure, `IMPL SCENARIO METRIC VALUE`, for
 * `cargo run --release --example bench` (bench/run.rs) to collect over rounds and tabulate:
 *
 *   ftls hs13_full_x25519 per_s 2450.3
 *   ftls hs13_full_x25519 client_us 180.2
 *   ftls bulk_aes128 send_MBps 3100.0
 *
 * Client and server live in one process and one thread, so the wall time of each side's calls
 * (CLOCK_MONOTONIC, read in the vDSO: no system call) is its CPU time.
 */
#ifndef FTLS_BENCH_H
#define FTLS_BENCH_H

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_RECORD 16384u

static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Bytes of heap in use now (glibc's count of allocated chunks, malloc overhead included). */
static inline size_t bench_heap_in_use(void)
{
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

static inline void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    exit(2);
}

static inline void *bench_alloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        bench_die("out of memory");
    }
    return p;
}

/* One direction of an in-memory transport: bytes written and not yet read, oldest first. */
typedef struct {
    uint8_t *data;
    size_t start;
    size_t end;
    size_t cap;
} bench_pipe;

static inline size_t bench_pipe_len(const bench_pipe *p)
{
    return p->end - p->start;
}

/* Room for `n` more bytes at `data + end`. */
static inline uint8_t *bench_pipe_reserve(bench_pipe *p, size_t n)
{
    if (p->start == p->end) {
        p->start = p->end = 0;
    }
    if (p->end + n > p->cap) {
        size_t len = bench_pipe_len(p);
        memmove(p->data, p->data + p->start, len);
        p->start = 0;
        p->end = len;
        if (len + n > p->cap) {
            size_t cap = p->cap ? p->cap : 65536;
            uint8_t *bigger;
            while (cap < len + n) {
                cap *= 2;
            }
            bigger = (uint8_t *)realloc(p->data, cap);
            if (bigger == NULL) {
                bench_die("out of memory");
            }
            p->data = bigger;
            p->cap = cap;
        }
    }
    return p->data + p->end;
}

/*
 * The transport's copies, in pieces of 2 KiB: glibc's memcpy (2.36) switches to `rep movsb`
 * above about 2 KiB, which AMD Zen runs at a twentieth of its speed when the destination lies
 * 1 to 15 bytes past the source modulo 4 KiB. Whether the pipe and a library's receive buffer
 * sit that way depends on the heap's history: the C programs' pipe hit it on every record of
 * every bulk row (a cost of this harness, not of the library measured), the Rust program's
 * never. Every program's pipe copies this way (bench/rustls_bench.rs too).
 */
#define BENCH_COPY_PIECE 2048

static void *(*const volatile bench_memcpy)(void *, const void *, size_t) = memcpy;

static inline void bench_copy(uint8_t *to, const uint8_t *from, size_t n)
{
    /* Through a pointer: the compiler would inline a 2 KiB memcpy as `rep movsq`. */
    for (; n > BENCH_COPY_PIECE;
         n -= BENCH_COPY_PIECE, to += BENCH_COPY_PIECE, from += BENCH_COPY_PIECE) {
        bench_memcpy(to, from, BENCH_COPY_PIECE);
    }
    bench_memcpy(to, from, n);
}

static inline void bench_pipe_push(bench_pipe *p, const uint8_t *buf, size_t n)
{
    bench_copy(bench_pipe_reserve(p, n), buf, n);
    p->end += n;
}

/* Takes up to `len` bytes; returns how many (0 when empty). */
static inline size_t bench_pipe_pull(bench_pipe *p, uint8_t *buf, size_t len)
{
    size_t n = bench_pipe_len(p) < len ? bench_pipe_len(p) : len;
    bench_copy(buf, p->data + p->start, n);
    p->start += n;
    return n;
}

static inline void bench_pipe_free(bench_pipe *p)
{
    free(p->data);
    memset(p, 0, sizeof *p);
}

/* Accumulated time of each side over a measurement. */
typedef struct {
    uint64_t client_ns;
    uint64_t server_ns;
} bench_sides;

/* The command line: CERTDIR HANDSHAKES BULK_MIB CONNECTIONS. */
typedef struct {
    const char *cert_dir;
    unsigned handshakes;
    unsigned bulk_mib;
    unsigned connections;
} bench_args;

static inline bench_args bench_parse_args(int argc, char **argv, const char *name)
{
    bench_args args;
    if (argc != 5) {
        fprintf(stderr, "usage: %s CERTDIR HANDSHAKES BULK_MIB CONNECTIONS\n", name);
        exit(1);
    }
    args.cert_dir = argv[1];
    args.handshakes = (unsigned)strtoul(argv[2], NULL, 10);
    args.bulk_mib = (unsigned)strtoul(argv[3], NULL, 10);
    args.connections = (unsigned)strtoul(argv[4], NULL, 10);
    if (args.handshakes == 0 || args.bulk_mib == 0 || args.connections == 0) {
        fprintf(stderr, "%s: every count must be at least 1\n", name);
        exit(1);
    }
    return args;
}

/* Whether to run `scenario`: all of them, unless BENCH_ONLY names a prefix (for profiling one
 * scenario under callgrind or perf) or BENCH_SKIP one to leave out (bench/run.rs measures
 * memory in a run of its own). */
static inline int bench_wanted(const char *scenario)
{
    const char *only = getenv("BENCH_ONLY");
    const char *skip = getenv("BENCH_SKIP");
    return (only == NULL || strncmp(scenario, only, strlen(only)) == 0) &&
           (skip == NULL || strncmp(scenario, skip, strlen(skip)) != 0);
}

static inline void bench_path(char *out, size_t len, const char *dir, const char *file)
{
    if ((size_t)snprintf(out, len, "%s/%s", dir, file) >= len) {
        bench_die("path too long");
    }
}

/* While set, nothing is reported: the warm-up run at the start of each program (the first
 * scenario of a fresh process otherwise ran measurably slower or faster, by up to 10 %). */
static int bench_warming_up;

static inline void bench_report(const char *impl, const char *scenario, const char *metric,
                                double value)
{
    if (bench_warming_up) {
        return;
    }
    printf("%s %s %s %.6g\n", impl, scenario, metric, value);
    fflush(stdout);
}

/* Handshakes per second and each side's microseconds per handshake. */
static inline void bench_report_handshakes(const char *impl, const char *scenario,
                                           unsigned count, uint64_t total_ns, bench_sides sides)
{
    bench_report(impl, scenario, "per_s", count / (total_ns / 1e9));
    bench_report(impl, scenario, "client_us", sides.client_ns / 1e3 / count);
    bench_report(impl, scenario, "server_us", sides.server_ns / 1e3 / count);
}

/* Sending (server) and receiving (client) throughput, and both together, in MB/s (10^6). */
static inline void bench_report_bulk(const char *impl, const char *scenario, uint64_t bytes,
                                     bench_sides sides)
{
    bench_report(impl, scenario, "send_MBps", bytes / 1e6 / (sides.server_ns / 1e9));
    bench_report(impl, scenario, "recv_MBps", bytes / 1e6 / (sides.client_ns / 1e9));
    bench_report(impl, scenario, "MBps",
                 bytes / 1e6 / ((sides.client_ns + sides.server_ns) / 1e9));
}

/* Heap per connection over `n` pairs, from the heap in use at four moments: before making
 * them, with all established, after traffic on each, and once the servers were freed. */
static inline void bench_report_memory(const char *impl, unsigned n, size_t base,
                                       size_t established, size_t after_traffic,
                                       size_t clients_only)
{
    bench_report(impl, "memory", "client_B", ((double)clients_only - (double)base) / n);
    bench_report(impl, "memory", "server_B", ((double)after_traffic - (double)clients_only) / n);
    bench_report(impl, "memory", "pair_B", ((double)established - (double)base) / n);
    bench_report(impl, "memory", "pair_idle_B", ((double)after_traffic - (double)base) / n);
}

/* A recognisable, non-constant plaintext. */
static inline void bench_fill(uint8_t *buf, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        buf[i] = (uint8_t)(i * 131u + 7u);
    }
}

#endif
