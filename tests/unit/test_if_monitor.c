/* SPDX-License-Identifier: MIT */
/*
 * The interface monitor reports an interface going down, coming up, being deleted and being
 * re-created with a new ifindex. Runs on veth (any Linux kernel); skips without root or veth.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "if_monitor.h"

#define IF_A "crmon0"
#define IF_B "crmon1"

struct seen {
        int present_up, present_down, gone;
        int last_ifindex;
};

static void on_event(void *ctx, const struct canring_if_event *ev)
{
        struct seen *s = ctx;

        if (strcmp(ev->name, IF_A) != 0)
                return;
        if (ev->change == CANRING_IF_GONE)
                s->gone++;
        else if (ev->up)
                s->present_up++;
        else
                s->present_down++;
        s->last_ifindex = ev->ifindex;
}

/* Dispatches events until COND holds or 5 s of waiting passed; returns whether it holds. */
#define WAIT_FOR(m, s, cond)                                                                       \
        ({                                                                                         \
                int ok_ = 0;                                                                       \
                for (int i_ = 0; i_ < 50 && !(ok_ = (cond)); i_++) {                               \
                        struct pollfd p_ = {.fd = canring_if_monitor_fd(m), .events = POLLIN};     \
                        poll(&p_, 1, 100);                                                         \
                        canring_if_monitor_dispatch(m, on_event, s);                               \
                }                                                                                  \
                ok_;                                                                               \
        })

static int sh(const char *cmd)
{
        return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
        struct canring_if_monitor *m;
        struct canring_if_event q;
        struct seen s = {0};
        int first_index, failures = 0;

        if (geteuid() != 0) {
                printf("SKIP: needs root to create veth interfaces\n");
                return 77;
        }
        sh("ip link del " IF_A " 2>/dev/null");
        if (canring_if_monitor_open(&m) < 0) {
                perror("netlink");
                return 1;
        }
        if (sh("ip link add " IF_A " type veth peer name " IF_B) < 0) {
                printf("SKIP: cannot create veth interfaces here\n");
                canring_if_monitor_close(m);
                return 77;
        }
        if (!WAIT_FOR(m, &s, s.present_down >= 1)) {
                fprintf(stderr, "creation not reported\n");
                failures++;
        }
        first_index = s.last_ifindex;
        if (canring_if_query(IF_A, &q) < 0 || q.change != CANRING_IF_PRESENT || q.up ||
            q.ifindex != first_index) {
                fprintf(stderr, "query of a down interface is wrong\n");
                failures++;
        }
        sh("ip link set " IF_A " up");
        if (!WAIT_FOR(m, &s, s.present_up >= 1)) {
                fprintf(stderr, "up not reported\n");
                failures++;
        }
        sh("ip link set " IF_A " down");
        if (!WAIT_FOR(m, &s, s.present_down >= 2)) {
                fprintf(stderr, "down not reported\n");
                failures++;
        }
        sh("ip link del " IF_A);
        if (!WAIT_FOR(m, &s, s.gone >= 1)) {
                fprintf(stderr, "deletion not reported\n");
                failures++;
        }
        if (canring_if_query(IF_A, &q) < 0 || q.change != CANRING_IF_GONE) {
                fprintf(stderr, "query of a deleted interface is wrong\n");
                failures++;
        }
        sh("ip link add " IF_A " type veth peer name " IF_B " && ip link set " IF_A " up");
        if (!WAIT_FOR(m, &s, s.present_up >= 2 && s.last_ifindex != first_index)) {
                fprintf(stderr, "re-creation with a new ifindex not reported (old %d, last %d)\n",
                        first_index, s.last_ifindex);
                failures++;
        }
        sh("ip link del " IF_A);
        canring_if_monitor_close(m);
        printf("%s: up %d, down %d, gone %d\n", failures ? "FAIL" : "ok", s.present_up,
               s.present_down, s.gone);
        return failures ? 1 : 0;
}
