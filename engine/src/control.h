/* SPDX-License-Identifier: MIT */
/*
 * The service's control socket (canring/control.h has the wire format, docs/control.md the
 * protocol). control_server.c owns the listening socket and the connections: accept, the
 * SO_PEERCRED check, message framing. control_ops.c carries out requests against the service:
 * sends on the channels' own sockets, BCM tasks per owner, filter changes. Both run on the
 * control thread only, so nothing here is locked.
 */
#ifndef CANRING_ENGINE_CONTROL_H
#define CANRING_ENGINE_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "canring/control.h"

#define CTL_MAX_CONNS   32 /* control connections served at once; more wait in the backlog */
#define CTL_MAX_HANDLES 64 /* interfaces one owner runs BCM tasks on */

struct canring_service;
struct canring_bcm;

/* Who owns periodic tasks: a connection, or the service itself (detached tasks). */
struct ctl_owner {
        pid_t pid; /* the peer's pid; 0 for the service */
        unsigned nhandles;
        struct {
                char ifname[16];
                struct canring_bcm *bcm;
        } handles[CTL_MAX_HANDLES];
};

struct ctl_server {
        int listen_fd;
        char path[108]; /* the socket file, unlinked on close */
        struct ctl_conn {
                int fd;          /* -1: free slot */
                bool cred_known; /* SO_PEERCRED answered; a peer without is refused */
                uid_t uid;       /* the peer's credentials at connect */
                gid_t gid;
                int ngroups;
                gid_t groups[256]; /* supplementary groups (SO_PEERGROUPS; none if more) */
                struct ctl_owner owner;
        } conns[CTL_MAX_CONNS];
        struct ctl_owner detached;
        _Alignas(8) unsigned char req[CANRING_CONTROL_MSG_MAX];   /* the request being served */
        _Alignas(8) unsigned char reply[CANRING_CONTROL_MSG_MAX]; /* its reply */
};

/* Creates the socket for the service's segment with MODE and GROUP (-1: the service's). */
int svc_control_open(struct canring_service *svc, char *err, size_t errlen);

/* Closes every connection (their tasks end), the detached tasks, and removes the socket file. */
void svc_control_close(struct canring_service *svc);

/* Puts the sockets to watch into P (at most 1 + CTL_MAX_CONNS entries); returns how many. */
unsigned svc_control_pollfds(struct canring_service *svc, struct pollfd *p);

/* Serves what poll() reported for the entries svc_control_pollfds() filled. */
void svc_control_dispatch(struct canring_service *svc, const struct pollfd *p, unsigned n);

/*
 * Carries out one request (control_ops.c). PAYLOAD holds req->len bytes. Fills REPLY's rc,
 * value and message, writes the result after it (at most CAP bytes) and returns its length.
 */
size_t svc_control_handle(struct canring_service *svc, struct ctl_owner *caller,
                          const struct canring_ctl_request *req, const void *payload,
                          struct canring_ctl_reply *reply, void *out, size_t cap);

/* Sets REPLY's rc and message; returns RC so that callers can `return svc_control_fail(...)`. */
int svc_control_fail(struct canring_ctl_reply *reply, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Closes an owner's BCM sockets: the kernel deletes their tasks. */
void svc_control_owner_release(struct ctl_owner *owner);

#endif
