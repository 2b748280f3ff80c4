/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's latency histogram reports percentiles within its stated resolution: for random
 * samples spread over nine decades, p50/p99/p99.9 are never below the exact order statistic and
 * at most 1/16 above it, the maximum is exact, negative samples are counted apart, and an empty
 * histogram reports 0. Exit 0 pass, 1 fail.
 */
#include <stdio.h>
#include <stdlib.h>

#include "e2e_common.h"

#define N 200000

static int cmp(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

int main(void)
{
        static struct e2e_hist h;
        static int64_t v[N];
        const double qs[] = {0.5, 0.99, 0.999};
        unsigned seed = 12345;
        int failed = 0;

        if (e2e_hist_quantile(&h, 0.5) != 0) {
                fprintf(stderr, "empty histogram: quantile not 0\n");
                return 1;
        }
        for (int i = 0; i < N; i++) {
                /* log-uniform over 1 ns .. 1 s, plus the small exact range */
                double e = (double)rand_r(&seed) / RAND_MAX * 9.0;
                int64_t x = (int64_t)__builtin_powi(10.0, (int)e) * (1 + rand_r(&seed) % 10);

                v[i] = i % 50 == 0 ? rand_r(&seed) % 16 : x;
                e2e_hist_add(&h, v[i]);
        }
        e2e_hist_add(&h, -5);
        qsort(v, N, sizeof(v[0]), cmp);
        for (unsigned k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
                uint64_t exact = (uint64_t)v[(size_t)(qs[k] * N)];
                uint64_t got = e2e_hist_quantile(&h, qs[k]);

                if (got < exact || (double)got > (double)exact * (1.0 + 1.0 / 16) + 1) {
                        fprintf(stderr, "q%.3f: got %llu, exact %llu\n", qs[k],
                                (unsigned long long)got, (unsigned long long)exact);
                        failed = 1;
                }
        }
        if (h.max != (uint64_t)v[N - 1] || h.count != N || h.negative != 1) {
                fprintf(stderr, "max %llu (want %lld), count %llu, negative %llu\n",
                        (unsigned long long)h.max, (long long)v[N - 1], (unsigned long long)h.count,
                        (unsigned long long)h.negative);
                failed = 1;
        }
        if (e2e_hist_quantile(&h, 1.0) != h.max) {
                fprintf(stderr, "q1.0 is not the maximum\n");
                failed = 1;
        }
        return failed;
}
