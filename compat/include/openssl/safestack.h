/*
 * openssl/safestack.h: typed stacks. STACK_OF(TYPE) names a distinct struct type per element
 * type; DEFINE_STACK_OF(TYPE) defines the sk_TYPE_* functions for it, each a static inline
 * function that casts and calls the OPENSSL_sk_* function of the same verb (stack.h). The
 * headers define the stacks they use (X509, X509_NAME, GENERAL_NAME, ...); a program may
 * define its own the same way.
 */
#ifndef FTLS_OPENSSL_SAFESTACK_H
#define FTLS_OPENSSL_SAFESTACK_H
#define OPENSSL_SAFESTACK_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/e_os2.h>
#include <openssl/stack.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STACK_OF(type) struct stack_st_##type

/*
 * The typed functions for STACK_OF(name) whose elements are `element *`, compared and copied
 * as `const_element *` (the same type, or its const form).
 */
#define FTLS_SK_DEFINE(name, element, const_element)                                           \
    STACK_OF(name);                                                                            \
    typedef int (*sk_##name##_compfunc)(const const_element *const *a,                         \
                                        const const_element *const *b);                        \
    typedef void (*sk_##name##_freefunc)(element *a);                                          \
    typedef element *(*sk_##name##_copyfunc)(const const_element *a);                          \
    static ossl_unused ossl_inline int sk_##name##_num(const STACK_OF(name) *sk)               \
    { return OPENSSL_sk_num((const OPENSSL_STACK *)sk); }                                      \
    static ossl_unused ossl_inline element *sk_##name##_value(const STACK_OF(name) *sk, int i) \
    { return (element *)OPENSSL_sk_value((const OPENSSL_STACK *)sk, i); }                      \
    static ossl_unused ossl_inline STACK_OF(name) *sk_##name##_new(sk_##name##_compfunc cmp)   \
    { return (STACK_OF(name) *)OPENSSL_sk_new((OPENSSL_sk_compfunc)cmp); }                     \
    static ossl_unused ossl_inline STACK_OF(name) *sk_##name##_new_null(void)                  \
    { return (STACK_OF(name) *)OPENSSL_sk_new_null(); }                                        \
    static ossl_unused ossl_inline STACK_OF(name) *sk_##name##_new_reserve(                    \
        sk_##name##_compfunc cmp, int n)                                                       \
    { return (STACK_OF(name) *)OPENSSL_sk_new_reserve((OPENSSL_sk_compfunc)cmp, n); }          \
    static ossl_unused ossl_inline int sk_##name##_reserve(STACK_OF(name) *sk, int n)          \
    { return OPENSSL_sk_reserve((OPENSSL_STACK *)sk, n); }                                     \
    static ossl_unused ossl_inline void sk_##name##_free(STACK_OF(name) *sk)                   \
    { OPENSSL_sk_free((OPENSSL_STACK *)sk); }                                                  \
    static ossl_unused ossl_inline void sk_##name##_zero(STACK_OF(name) *sk)                   \
    { OPENSSL_sk_zero((OPENSSL_STACK *)sk); }                                                  \
    static ossl_unused ossl_inline element *sk_##name##_delete(STACK_OF(name) *sk, int i)      \
    { return (element *)OPENSSL_sk_delete((OPENSSL_STACK *)sk, i); }                           \
    static ossl_unused ossl_inline element *sk_##name##_delete_ptr(STACK_OF(name) *sk,         \
                                                                   element *p)                 \
    { return (element *)OPENSSL_sk_delete_ptr((OPENSSL_STACK *)sk, (const void *)p); }         \
    static ossl_unused ossl_inline int sk_##name##_push(STACK_OF(name) *sk, element *p)        \
    { return OPENSSL_sk_push((OPENSSL_STACK *)sk, (const void *)p); }                          \
    static ossl_unused ossl_inline int sk_##name##_unshift(STACK_OF(name) *sk, element *p)     \
    { return OPENSSL_sk_unshift((OPENSSL_STACK *)sk, (const void *)p); }                       \
    static ossl_unused ossl_inline element *sk_##name##_pop(STACK_OF(name) *sk)                \
    { return (element *)OPENSSL_sk_pop((OPENSSL_STACK *)sk); }                                 \
    static ossl_unused ossl_inline element *sk_##name##_shift(STACK_OF(name) *sk)              \
    { return (element *)OPENSSL_sk_shift((OPENSSL_STACK *)sk); }                               \
    static ossl_unused ossl_inline void sk_##name##_pop_free(STACK_OF(name) *sk,               \
                                                             sk_##name##_freefunc f)           \
    { OPENSSL_sk_pop_free((OPENSSL_STACK *)sk, (OPENSSL_sk_freefunc)f); }                      \
    static ossl_unused ossl_inline int sk_##name##_insert(STACK_OF(name) *sk, element *p,      \
                                                          int where)                           \
    { return OPENSSL_sk_insert((OPENSSL_STACK *)sk, (const void *)p, where); }                 \
    static ossl_unused ossl_inline element *sk_##name##_set(STACK_OF(name) *sk, int i,         \
                                                            element *p)                        \
    { return (element *)OPENSSL_sk_set((OPENSSL_STACK *)sk, i, (const void *)p); }             \
    static ossl_unused ossl_inline int sk_##name##_find(STACK_OF(name) *sk, element *p)        \
    { return OPENSSL_sk_find((OPENSSL_STACK *)sk, (const void *)p); }                          \
    static ossl_unused ossl_inline int sk_##name##_find_ex(STACK_OF(name) *sk, element *p)     \
    { return OPENSSL_sk_find_ex((OPENSSL_STACK *)sk, (const void *)p); }                       \
    static ossl_unused ossl_inline void sk_##name##_sort(STACK_OF(name) *sk)                   \
    { OPENSSL_sk_sort((OPENSSL_STACK *)sk); }                                                  \
    static ossl_unused ossl_inline int sk_##name##_is_sorted(const STACK_OF(name) *sk)         \
    { return OPENSSL_sk_is_sorted((const OPENSSL_STACK *)sk); }                                \
    static ossl_unused ossl_inline STACK_OF(name) *sk_##name##_dup(const STACK_OF(name) *sk)   \
    { return (STACK_OF(name) *)OPENSSL_sk_dup((const OPENSSL_STACK *)sk); }                    \
    static ossl_unused ossl_inline STACK_OF(name) *sk_##name##_deep_copy(                      \
        const STACK_OF(name) *sk, sk_##name##_copyfunc copy, sk_##name##_freefunc f)           \
    {                                                                                          \
        return (STACK_OF(name) *)OPENSSL_sk_deep_copy((const OPENSSL_STACK *)sk,               \
                                                      (OPENSSL_sk_copyfunc)copy,               \
                                                      (OPENSSL_sk_freefunc)f);                 \
    }                                                                                          \
    static ossl_unused ossl_inline sk_##name##_compfunc sk_##name##_set_cmp_func(              \
        STACK_OF(name) *sk, sk_##name##_compfunc cmp)                                          \
    {                                                                                          \
        return (sk_##name##_compfunc)OPENSSL_sk_set_cmp_func((OPENSSL_STACK *)sk,              \
                                                             (OPENSSL_sk_compfunc)cmp);        \
    }

/* OpenSSL's names for defining stacks. */
#define SKM_DEFINE_STACK_OF(t1, t2, t3) FTLS_SK_DEFINE(t1, t2, t3)
#define DEFINE_STACK_OF(t) FTLS_SK_DEFINE(t, t, t)
#define DEFINE_STACK_OF_CONST(t) FTLS_SK_DEFINE(t, const t, t)
#define DEFINE_SPECIAL_STACK_OF(t1, t2) FTLS_SK_DEFINE(t1, t2, t2)
#define DEFINE_SPECIAL_STACK_OF_CONST(t1, t2) FTLS_SK_DEFINE(t1, const t2, t2)

/* Stacks of C strings. */
typedef char *OPENSSL_STRING;
typedef const char *OPENSSL_CSTRING;
FTLS_SK_DEFINE(OPENSSL_STRING, char, char)
FTLS_SK_DEFINE(OPENSSL_CSTRING, const char, char)

/* A stack of opaque blocks. */
typedef void *OPENSSL_BLOCK;
FTLS_SK_DEFINE(OPENSSL_BLOCK, void, void)

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_SAFESTACK_H */
