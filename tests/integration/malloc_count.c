/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for the lab's allocation test: counts calls of malloc, calloc, realloc and
 * aligned allocations in the process, and at exit writes the count to the file named by
 * CANRING_MALLOC_COUNT_FILE. It forwards every call to the next definition (jemalloc in canring).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long long calls;

#define FORWARD(ret, name, params, args)                                                           \
        ret name params                                                                            \
        {                                                                                          \
                static ret(*next) params;                                                          \
                if (!next)                                                                         \
                        next = (ret(*) params)dlsym(RTLD_NEXT, #name);                             \
                __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);                                   \
                return next args;                                                                  \
        }

FORWARD(void *, malloc, (size_t n), (n))
FORWARD(void *, calloc, (size_t k, size_t n), (k, n))
FORWARD(void *, realloc, (void *p, size_t n), (p, n))
FORWARD(int, posix_memalign, (void **p, size_t a, size_t n), (p, a, n))
FORWARD(void *, aligned_alloc, (size_t a, size_t n), (a, n))

__attribute__((destructor)) static void report(void)
{
        const char *path = getenv("CANRING_MALLOC_COUNT_FILE");
        FILE *f = path ? fopen(path, "w") : NULL;

        if (f) {
                fprintf(f, "%llu\n", __atomic_load_n(&calls, __ATOMIC_RELAXED));
                fclose(f);
        }
}
