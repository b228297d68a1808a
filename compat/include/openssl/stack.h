/*
 * openssl/stack.h: the untyped list of pointers behind every STACK_OF(TYPE).
 *
 * Programs use the typed names of safestack.h (sk_X509_num, sk_GENERAL_NAME_pop_free, ...);
 * those are inline functions over the OPENSSL_sk_* functions declared here. A stack never
 * owns its elements: free them with OPENSSL_sk_pop_free (sk_TYPE_pop_free) or one by one.
 * A stack is not thread-safe: one thread at a time, as in OpenSSL.
 */
#ifndef FTLS_OPENSSL_STACK_H
#define FTLS_OPENSSL_STACK_H
#define OPENSSL_STACK_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Compares two elements: each argument points at an element slot (qsort's convention). */
typedef int (*OPENSSL_sk_compfunc)(const void *, const void *);
typedef void (*OPENSSL_sk_freefunc)(void *);
typedef void *(*OPENSSL_sk_copyfunc)(const void *);

/* The number of elements; -1 for a NULL stack. */
int OPENSSL_sk_num(const OPENSSL_STACK *st);
/* Element i (not a copy); NULL for a NULL stack or i out of range. */
void *OPENSSL_sk_value(const OPENSSL_STACK *st, int i);
/* Replaces element i and returns data; NULL (nothing changed) if i is out of range. */
void *OPENSSL_sk_set(OPENSSL_STACK *st, int i, const void *data);

/* New stacks (free with OPENSSL_sk_free); compare orders elements for find and sort. */
OPENSSL_STACK *OPENSSL_sk_new(OPENSSL_sk_compfunc compare);
OPENSSL_STACK *OPENSSL_sk_new_null(void);
/* As OPENSSL_sk_new, with room for n elements; NULL if n is negative. */
OPENSSL_STACK *OPENSSL_sk_new_reserve(OPENSSL_sk_compfunc compare, int n);
/* Makes room for n more elements: 1, or 0 for a NULL stack or a negative n. */
int OPENSSL_sk_reserve(OPENSSL_STACK *st, int n);

/* Frees the stack, not its elements. NULL does nothing. */
void OPENSSL_sk_free(OPENSSL_STACK *st);
/* Frees every non-NULL element with free_element, then the stack. NULL does nothing. */
void OPENSSL_sk_pop_free(OPENSSL_STACK *st, void (*free_element)(void *));
/* A new stack of copies made by copy; if one fails, the copies are freed with free_element and
 * NULL is returned. */
OPENSSL_STACK *OPENSSL_sk_deep_copy(const OPENSSL_STACK *st, OPENSSL_sk_copyfunc copy,
                                    OPENSSL_sk_freefunc free_element);
/* A new stack holding the same pointers. */
OPENSSL_STACK *OPENSSL_sk_dup(const OPENSSL_STACK *st);

/* Insert before index where (append if where is out of range), at the end, at the start:
 * each returns the new number of elements, 0 on failure (NULL stack). */
int OPENSSL_sk_insert(OPENSSL_STACK *st, const void *data, int where);
int OPENSSL_sk_push(OPENSSL_STACK *st, const void *data);
int OPENSSL_sk_unshift(OPENSSL_STACK *st, const void *data);
/* Remove and return element loc / the element equal to pointer p / the first / the last;
 * NULL if there is none. */
void *OPENSSL_sk_delete(OPENSSL_STACK *st, int loc);
void *OPENSSL_sk_delete_ptr(OPENSSL_STACK *st, const void *p);
void *OPENSSL_sk_shift(OPENSSL_STACK *st);
void *OPENSSL_sk_pop(OPENSSL_STACK *st);
/* Empties the stack without freeing the elements. */
void OPENSSL_sk_zero(OPENSSL_STACK *st);

/* The index of the first element equal to data (by the comparison function, after sorting the
 * stack as OpenSSL does; by pointer without one); -1 if none. find_ex is the same here. */
int OPENSSL_sk_find(OPENSSL_STACK *st, const void *data);
int OPENSSL_sk_find_ex(OPENSSL_STACK *st, const void *data);
/* Sets the comparison function; returns the previous one. */
OPENSSL_sk_compfunc OPENSSL_sk_set_cmp_func(OPENSSL_STACK *st, OPENSSL_sk_compfunc compare);
/* Sorts with the comparison function (nothing without one). */
void OPENSSL_sk_sort(OPENSSL_STACK *st);
/* 1 if known sorted (or NULL), else 0. */
int OPENSSL_sk_is_sorted(const OPENSSL_STACK *st);

/* The pre-1.1 names. */
#define sk_num OPENSSL_sk_num
#define sk_value OPENSSL_sk_value
#define sk_set OPENSSL_sk_set
#define sk_new OPENSSL_sk_new
#define sk_new_null OPENSSL_sk_new_null
#define sk_free OPENSSL_sk_free
#define sk_pop_free OPENSSL_sk_pop_free
#define sk_deep_copy OPENSSL_sk_deep_copy
#define sk_insert OPENSSL_sk_insert
#define sk_delete OPENSSL_sk_delete
#define sk_delete_ptr OPENSSL_sk_delete_ptr
#define sk_find OPENSSL_sk_find
#define sk_find_ex OPENSSL_sk_find_ex
#define sk_push OPENSSL_sk_push
#define sk_unshift OPENSSL_sk_unshift
#define sk_shift OPENSSL_sk_shift
#define sk_pop OPENSSL_sk_pop
#define sk_zero OPENSSL_sk_zero
#define sk_set_cmp_func OPENSSL_sk_set_cmp_func
#define sk_dup OPENSSL_sk_dup
#define sk_sort OPENSSL_sk_sort
#define sk_is_sorted OPENSSL_sk_is_sorted

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_STACK_H */
