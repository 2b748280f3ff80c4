/* SPDX-License-Identifier: MIT */
/*
 * The control socket's transport: the listening AF_UNIX SOCK_SEQPACKET socket next to the
 * segment, its connections, the peer check, and one reply per request. What a request does is
 * control_ops.c's job.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "control.h"
#include "service_priv.h"

int svc_control_open(struct canring_service *svc, char *err, size_t errlen)
{
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        struct ctl_server *cs;
        int rc;

        rc = canring_control_path(svc->cfg.segment, sun.sun_path, sizeof(sun.sun_path));
        if (rc < 0) {
                snprintf(err, errlen, "control socket for segment '%s': %s", svc->cfg.segment,
                         strerror(-rc));
                return rc;
        }
        cs = calloc(1, sizeof(*cs));
        if (!cs)
                return -ENOMEM;
        for (unsigned i = 0; i < CTL_MAX_CONNS; i++)
                cs->conns[i].fd = -1;
        snprintf(cs->path, sizeof(cs->path), "%s", sun.sun_path);
        cs->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (cs->listen_fd < 0) {
                rc = -errno;
                snprintf(err, errlen, "control socket: %s", strerror(errno));
                free(cs);
                return rc;
        }
        /* We own the segment name now (the producer refused a live rival), so a socket file of
         * that name is left by a service that died: replace it. */
        unlink(cs->path);
        if (bind(cs->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
                rc = -errno;
                snprintf(err, errlen, "control socket %s: bind: %s", cs->path, strerror(errno));
                goto fail_close;
        }
        if ((svc->cfg.control_gid >= 0 &&
             chown(cs->path, (uid_t)-1, (gid_t)svc->cfg.control_gid) < 0) ||
            chmod(cs->path, svc->cfg.control_mode) < 0 || listen(cs->listen_fd, 16) < 0) {
                rc = -errno;
                snprintf(err, errlen, "control socket %s: %s", cs->path, strerror(errno));
                goto fail_unlink;
        }
        svc->control = cs;
        return 0;

fail_unlink:
        unlink(cs->path);
fail_close:
        close(cs->listen_fd);
        free(cs);
        return rc;
}

static void close_conn(struct ctl_conn *c)
{
        svc_control_owner_release(&c->owner);
        close(c->fd);
        c->fd = -1;
}

void svc_control_close(struct canring_service *svc)
{
        struct ctl_server *cs = svc->control;

        if (!cs)
                return;
        for (unsigned i = 0; i < CTL_MAX_CONNS; i++)
                if (cs->conns[i].fd >= 0)
                        close_conn(&cs->conns[i]);
        svc_control_owner_release(&cs->detached);
        close(cs->listen_fd);
        unlink(cs->path);
        free(cs);
        svc->control = NULL;
}

unsigned svc_control_pollfds(struct canring_service *svc, struct pollfd *p)
{
        struct ctl_server *cs = svc->control;
        unsigned n = 1, busy = 0;

        if (!cs)
                return 0;
        for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
                p[n++] = (struct pollfd){.fd = cs->conns[i].fd, .events = POLLIN};
                busy += cs->conns[i].fd >= 0;
        }
        /* With every slot taken, a pending connection would keep the listening socket readable
         * and poll() returning at once: leave it in the backlog until a slot frees. */
        p[0] = (struct pollfd){.fd = busy < CTL_MAX_CONNS ? cs->listen_fd : -1, .events = POLLIN};
        return n;
}

static bool in_groups(gid_t want, gid_t primary, const gid_t *groups, int ngroups)
{
        if (want == primary)
                return true;
        for (int i = 0; i < ngroups; i++)
                if (groups[i] == want)
                        return true;
        return false;
}

/*
 * The rule the kernel applied at connect (write permission on the socket file), checked again
 * on the peer's credentials at every request: connect() is not the only way to get a connected
 * socket (one can be inherited or passed over SCM_RIGHTS), and a chmod/chgrp of the socket
 * takes effect for connections already open.
 */
static bool peer_allowed(const struct ctl_server *cs, const struct ctl_conn *c)
{
        struct stat st;

        if (!c->cred_known)
                return false;
        if (c->uid == 0 || c->uid == geteuid())
                return true;
        if (stat(cs->path, &st) < 0)
                return false;
        if (c->uid == st.st_uid)
                return (st.st_mode & S_IWUSR) != 0;
        if (in_groups(st.st_gid, c->gid, c->groups, c->ngroups))
                return (st.st_mode & S_IWGRP) != 0;
        return (st.st_mode & S_IWOTH) != 0;
}

/* The peer's credentials as the kernel recorded them at connect (SO_PEERCRED, SO_PEERGROUPS). */
static void read_peer(int fd, struct ctl_conn *c)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        socklen_t glen = sizeof(c->groups);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return;
        c->cred_known = true;
        c->owner.pid = cred.pid;
        c->uid = cred.uid;
        c->gid = cred.gid;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, c->groups, &glen) == 0)
                c->ngroups = (int)(glen / sizeof(gid_t));
}

static void accept_all(struct ctl_server *cs)
{
        for (;;) {
                unsigned slot;
                int fd;

                for (slot = 0; slot < CTL_MAX_CONNS && cs->conns[slot].fd >= 0; slot++)
                        ;
                if (slot == CTL_MAX_CONNS)
                        return; /* the rest wait in the backlog until a connection closes */
                fd = accept4(cs->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0)
                        return;
                struct ctl_conn *c = &cs->conns[slot];

                memset(c, 0, sizeof(*c));
                c->fd = fd;
                read_peer(fd, c);
        }
}

static void reply_init(struct canring_ctl_reply *r, uint32_t op, uint32_t seq)
{
        memset(r, 0, sizeof(*r));
        r->magic = CANRING_CONTROL_MAGIC;
        r->op = op;
        r->seq = seq;
}

int svc_control_fail(struct canring_ctl_reply *r, int rc, const char *fmt, ...)
{
        va_list ap;

        r->rc = rc;
        va_start(ap, fmt);
        vsnprintf(r->message, sizeof(r->message), fmt, ap);
        va_end(ap);
        return rc;
}

/* Serves one request of connection C; false when the connection is to be closed. */
static bool serve(struct canring_service *svc, struct ctl_conn *c)
{
        struct ctl_server *cs = svc->control;
        const struct canring_ctl_request *req = (const void *)cs->req;
        struct canring_ctl_reply *reply = (void *)cs->reply;
        size_t out = 0;
        bool keep = true;
        ssize_t n = recv(c->fd, cs->req, sizeof(cs->req), MSG_TRUNC);

        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return false;
        if (n < 0)
                return true;
        if ((size_t)n < sizeof(*req) || req->magic != CANRING_CONTROL_MAGIC) {
                /* Not our protocol: nothing sensible to answer to. */
                return false;
        }
        reply_init(reply, req->op, req->seq);
        if ((size_t)n > sizeof(cs->req)) {
                svc_control_fail(reply, -EMSGSIZE, "request of %zd bytes: at most %u", n,
                                 CANRING_CONTROL_MSG_MAX);
        } else if (req->version != CANRING_CONTROL_VERSION) {
                svc_control_fail(reply, -EPROTO,
                                 "control protocol version %u; this service speaks version %u",
                                 req->version, CANRING_CONTROL_VERSION);
                keep = false;
        } else if (!peer_allowed(cs, c)) {
                svc_control_fail(
                    reply, -EACCES,
                    "uid %u (gid %u) may not control service '%s': the control socket's "
                    "owner, group and mode do not allow it",
                    (unsigned)c->uid, (unsigned)c->gid, svc->cfg.segment);
                keep = false;
        } else if (sizeof(*req) + req->len != (size_t)n) {
                svc_control_fail(reply, -EBADMSG, "request says %u payload bytes, carries %zu",
                                 req->len, (size_t)n - sizeof(*req));
        } else if (memchr(req->ifname, '\0', sizeof(req->ifname)) == NULL) {
                svc_control_fail(reply, -EINVAL, "interface name is not NUL-terminated");
        } else {
                out = svc_control_handle(svc, &c->owner, req, req + 1, reply, reply + 1,
                                         sizeof(cs->reply) - sizeof(*reply));
        }
        reply->len = (uint32_t)out;
        if (send(c->fd, reply, sizeof(*reply) + out, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                return false; /* a client that does not read its replies is dropped */
        return keep;
}

void svc_control_dispatch(struct canring_service *svc, const struct pollfd *p, unsigned n)
{
        struct ctl_server *cs = svc->control;

        if (!cs || n == 0)
                return;
        for (unsigned i = 1; i < n; i++) {
                struct ctl_conn *c = &cs->conns[i - 1];

                if (c->fd < 0 || p[i].fd != c->fd || !p[i].revents)
                        continue;
                if (!serve(svc, c))
                        close_conn(c);
        }
        if (p[0].revents & POLLIN)
                accept_all(cs);
}
