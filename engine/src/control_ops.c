/* SPDX-License-Identifier: MIT */
/*
 * What control requests do in the service: send on a channel's own receive socket, periodic tasks
 * on BCM sockets held per owner (a connection, or the service for detached tasks), and kernel
 * filter changes on a running channel. Runs on the control thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/can/raw.h>

#include "canring/bcm.h"
#include "canring/ifctl.h"
#include "canring/tx.h"
#include "control.h"
#include "service_priv.h"

#define SEND_TIMEOUT_CAP_MS 5000 /* one send may hold the control thread this long at most */

#define fail svc_control_fail

/* Where a request for an interface goes. */
struct target {
        unsigned ch;  /* channel whose socket (and counters) serve it */
        int ifindex;  /* the interface, for sendto */
        bool dynamic; /* a channel an `any` made for this interface, or none yet */
};

/* A channel that an `any` made is visible once its ifindex is published (release in the sink). */
static bool dynamic_seen(const struct svc_channel *c)
{
        return __atomic_load_n(&c->ifindex, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Finds the channel serving IFNAME: a configured channel of that name (the first, if several),
 * else one an `any` channel made for it, else an `any` channel when IFNAME is an interface. The
 * name "any" itself is the `any` channel.
 */
static int resolve(struct canring_service *svc, const char *ifname, struct target *t,
                   struct canring_ctl_reply *r)
{
        int any = -1;

        if (!ifname[0])
                return fail(r, -EINVAL, "no interface given");
        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                const struct svc_channel *c = &svc->channels[ch];

                if (c->spec->any && any < 0)
                        any = (int)ch;
                if (strcmp(c->name, ifname) == 0) {
                        *t = (struct target){.ch = ch, .ifindex = c->ifindex};
                        return 0;
                }
        }
        for (unsigned ch = svc->nconfigured; ch < svc->nchannels; ch++) {
                const struct svc_channel *c = &svc->channels[ch];

                /* Only `any` channels make these; with several, sends go out on the first one's
                 * socket (it matters only for which socket sees its own frames). */
                if (any >= 0 && dynamic_seen(c) && strcmp(c->name, ifname) == 0) {
                        *t = (struct target){
                            .ch = (unsigned)any, .ifindex = c->ifindex, .dynamic = true};
                        return 0;
                }
        }
        if (any >= 0) {
                unsigned idx = if_nametoindex(ifname);

                if (idx == 0)
                        return fail(r, -ENODEV, "no interface '%s'", ifname);
                *t = (struct target){.ch = (unsigned)any, .ifindex = (int)idx, .dynamic = true};
                return 0;
        }
        char names[160] = "";
        size_t used = 0;

        for (unsigned ch = 0; ch < svc->nconfigured && used < sizeof(names) - 20; ch++)
                used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", ch ? " " : "",
                                         svc->channels[ch].name);
        return fail(r, -ENODEV, "'%s' is not a channel of service '%s' (channels: %s)", ifname,
                    svc->cfg.segment, names);
}

/* Checks that LEN bytes hold a struct canring_ctl_frames and its frames; converts them. */
static int take_frames(const void *payload, size_t len, const struct canring_ctl_frames **head,
                       struct canfd_frame *frames, size_t *mtus, struct canring_ctl_reply *r)
{
        const struct canring_ctl_frame *wire;
        const struct canring_ctl_frames *h = payload;

        if (len < sizeof(*h))
                return fail(r, -EBADMSG, "request too short");
        if (h->nframes == 0 || h->nframes > CANRING_CONTROL_MAX_FRAMES)
                return fail(r, -EINVAL, "%u frames: 1 to %u per request", h->nframes,
                            CANRING_CONTROL_MAX_FRAMES);
        if (len != sizeof(*h) + h->nframes * sizeof(*wire))
                return fail(r, -EBADMSG, "request says %u frames, carries %zu bytes of them",
                            h->nframes, len - sizeof(*h));
        wire = (const void *)(h + 1);
        for (uint32_t i = 0; i < h->nframes; i++) {
                if (wire[i].mtu != CAN_MTU && wire[i].mtu != CANFD_MTU)
                        return fail(r, -EINVAL, "frame %u: size %u is neither 16 nor 72", i + 1,
                                    wire[i].mtu);
                memcpy(&frames[i], &wire[i].frame, sizeof(frames[i]));
                mtus[i] = wire[i].mtu;
        }
        *head = h;
        return 0;
}

static int op_send(struct canring_service *svc, const char *ifname, const void *payload, size_t len,
                   struct canring_ctl_reply *r)
{
        static struct canfd_frame frames[CANRING_CONTROL_MAX_FRAMES];
        static size_t mtus[CANRING_CONTROL_MAX_FRAMES];
        const struct canring_ctl_frames *h;
        struct target t;
        char why[192];
        int rc = take_frames(payload, len, &h, frames, mtus, r);

        if (rc < 0 || (rc = resolve(svc, ifname, &t, r)) < 0)
                return rc;
        struct svc_channel *c = &svc->channels[t.ch];
        struct canring_tx tx = {.fd = c->fd, .ifindex = t.ifindex, .fd_frames = svc->cfg.fd};
        int timeout = h->timeout_ms;

        if (c->fd < 0 || t.ifindex <= 0)
                return fail(r, -ENETDOWN, "%s: the interface is gone; nothing sent", ifname);
        /* Every frame is checked before the first goes out: a bad one sends nothing. */
        for (uint32_t i = 0; i < h->nframes; i++)
                if (canring_tx_check_frame(&frames[i], mtus[i], svc->cfg.fd, why, sizeof(why)) <
                    0) {
                        rc = mtus[i] == CANFD_MTU && !svc->cfg.fd ? -EOPNOTSUPP : -EINVAL;
                        return fail(r, rc, "frame %u: %s%s; nothing sent", i + 1, why,
                                    rc == -EOPNOTSUPP ? " (the service runs without --fd)" : "");
                }
        if (timeout < 0 || timeout > SEND_TIMEOUT_CAP_MS)
                timeout = SEND_TIMEOUT_CAP_MS;
        for (uint32_t i = 0; i < h->nframes; i++) {
                rc = canring_tx_send(&tx, &frames[i], mtus[i], timeout);
                if (rc < 0)
                        return fail(r, rc, "%s: frame %u of %u: %s", ifname, i + 1, h->nframes,
                                    rc == -ETIMEDOUT ? "the interface queue stayed full"
                                                     : strerror(-rc));
                r->value = i + 1;
                c->tx_frames++;
        }
        return 0;
}

/* The owner's BCM handle for IFNAME; opened when CREATE and missing. NULL with R set if none. */
static struct canring_bcm *owner_bcm(struct ctl_owner *o, const char *ifname, bool create,
                                     struct canring_ctl_reply *r)
{
        char why[192];

        for (unsigned i = 0; i < o->nhandles; i++)
                if (strcmp(o->handles[i].ifname, ifname) == 0)
                        return o->handles[i].bcm;
        if (!create)
                return NULL;
        if (o->nhandles == CTL_MAX_HANDLES) {
                fail(r, -ENOSPC, "tasks on more than %d interfaces", CTL_MAX_HANDLES);
                return NULL;
        }
        struct canring_bcm *b;
        int rc = canring_bcm_open(&b, ifname, why, sizeof(why));

        if (rc < 0) {
                fail(r, rc, "%s", why);
                return NULL;
        }
        snprintf(o->handles[o->nhandles].ifname, sizeof(o->handles[0].ifname), "%s", ifname);
        o->handles[o->nhandles++].bcm = b;
        return b;
}

/* The handle holding task CAN_ID on IFNAME: the caller's first, then the detached ones. */
static struct canring_bcm *find_task(struct canring_service *svc, struct ctl_owner *caller,
                                     const char *ifname, canid_t can_id,
                                     struct canring_ctl_reply *r)
{
        struct ctl_owner *owners[2] = {caller, &svc->control->detached};
        struct canring_bcm_task_info info;

        for (int i = 0; i < 2; i++) {
                struct canring_bcm *b = owner_bcm(owners[i], ifname, false, r);

                if (b && canring_bcm_task(b, can_id, &info) == 0)
                        return b;
        }
        fail(r, -ENOENT, "no task with id %0*X on %s", (can_id & CAN_EFF_FLAG) ? 8 : 3,
             can_id & CAN_EFF_MASK, ifname);
        return NULL;
}

static int op_periodic_frames(struct canring_service *svc, struct ctl_owner *caller,
                              const struct canring_ctl_request *req, const void *payload,
                              struct canring_ctl_reply *r)
{
        static struct canfd_frame frames[CANRING_CONTROL_MAX_FRAMES];
        static size_t mtus[CANRING_CONTROL_MAX_FRAMES];
        const struct canring_ctl_frames *h;
        struct canring_bcm *b;
        struct target t;
        char why[192] = "";
        canid_t id;
        bool fd;
        int rc = take_frames(payload, req->len, &h, frames, mtus, r);

        if (rc < 0 || (rc = resolve(svc, req->ifname, &t, r)) < 0)
                return rc;
        if (req->op == CANRING_CTL_PERIODIC_START) {
                struct ctl_owner *o =
                    (req->flags & CANRING_CONTROL_DETACH) ? &svc->control->detached : caller;

                /* Checked before a BCM socket is opened: a refused task leaves nothing behind. */
                rc = canring_bcm_check_timing(&h->timing, why, sizeof(why));
                if (rc < 0)
                        return fail(r, rc, "%s", why);
                unsigned had = o->nhandles;

                b = owner_bcm(o, req->ifname, true, r);
                if (!b)
                        return r->rc;
                rc = canring_bcm_start(b, frames, mtus, h->nframes, &h->timing, why, sizeof(why));
                if (rc < 0 && o->nhandles > had) {
                        /* The socket opened for this task alone goes with it. */
                        canring_bcm_close(b);
                        o->nhandles--;
                }
        } else {
                rc = canring_bcm_check_frames(frames, mtus, h->nframes, true, &id, &fd, why,
                                              sizeof(why));
                if (rc < 0)
                        return fail(r, rc, "%s", why);
                b = find_task(svc, caller, req->ifname, id, r);
                if (!b)
                        return r->rc;
                rc = canring_bcm_modify(b, frames, mtus, h->nframes, why, sizeof(why));
        }
        return rc < 0 ? fail(r, rc, "%s", why) : 0;
}

static int op_task(struct canring_service *svc, struct ctl_owner *caller,
                   const struct canring_ctl_request *req, const void *payload,
                   struct canring_ctl_reply *r)
{
        const struct canring_ctl_task_id *tid = payload;
        struct canring_bcm *b;
        char why[192] = "";
        int rc;

        if (req->len != sizeof(*tid))
                return fail(r, -EBADMSG, "request carries %u bytes, a task id is %zu", req->len,
                            sizeof(*tid));
        b = find_task(svc, caller, req->ifname, tid->can_id, r);
        if (!b)
                return r->rc;
        if (req->op == CANRING_CTL_PERIODIC_STOP)
                rc = canring_bcm_stop(b, tid->can_id, why, sizeof(why));
        else if (req->op == CANRING_CTL_PERIODIC_RESTART)
                rc = canring_bcm_restart(b, tid->can_id, why, sizeof(why));
        else
                rc = canring_bcm_remove(b, tid->can_id, why, sizeof(why));
        return rc < 0 ? fail(r, rc, "%s", why) : 0;
}

static int op_stop_all(struct canring_service *svc, struct ctl_owner *caller, const char *ifname,
                       struct canring_ctl_reply *r)
{
        struct ctl_owner *owners[2] = {caller, &svc->control->detached};
        int first = 0;

        for (int i = 0; i < 2; i++)
                for (unsigned h = 0; h < owners[i]->nhandles; h++) {
                        int rc;

                        if (ifname[0] && strcmp(owners[i]->handles[h].ifname, ifname) != 0)
                                continue;
                        rc = canring_bcm_stop_all(owners[i]->handles[h].bcm);
                        if (rc < 0 && first == 0)
                                first = rc;
                }
        return first < 0 ? fail(r, first, "stopping a task: %s", strerror(-first)) : 0;
}

/* Appends the tasks of OWNER on IFNAME ("" = all) to OUT; returns the running total. */
static size_t list_owner(struct ctl_owner *owner, bool mine, bool detached, const char *ifname,
                         struct canring_control_task *out, size_t n, size_t cap)
{
        static struct canring_bcm_task_info infos[CANRING_CONTROL_MAX_TASKS];

        for (unsigned h = 0; h < owner->nhandles; h++) {
                struct canring_bcm *b = owner->handles[h].bcm;
                int got;

                if (ifname[0] && strcmp(owner->handles[h].ifname, ifname) != 0)
                        continue;
                canring_bcm_events(b, 0); /* take in TX_EXPIRED notices: "sending" is current */
                got = canring_bcm_list(b, infos, CANRING_CONTROL_MAX_TASKS);
                for (int i = 0; i < got && i < (int)CANRING_CONTROL_MAX_TASKS; i++, n++) {
                        const struct canring_bcm_task_info *in = &infos[i];

                        if (n >= cap)
                                continue; /* counted, not copied */
                        struct canring_control_task *t = &out[n];

                        memset(t, 0, sizeof(*t));
                        snprintf(t->ifname, sizeof(t->ifname), "%s", owner->handles[h].ifname);
                        t->can_id = in->can_id;
                        t->flags = (in->fd ? CANRING_TASK_FD : 0) |
                                   (in->running ? CANRING_TASK_RUNNING : 0) |
                                   (in->sending ? CANRING_TASK_SENDING : 0) |
                                   (detached ? CANRING_TASK_DETACHED : 0) |
                                   (mine ? CANRING_TASK_MINE : 0);
                        t->nframes = in->nframes;
                        t->count = in->count;
                        t->count_left = in->count_left;
                        t->owner_pid = (int32_t)owner->pid;
                        t->period_us = in->period_us;
                        t->first.mtu = in->fd ? CANFD_MTU : CAN_MTU;
                        memcpy(&t->first.frame, &in->frames[0], t->first.mtu);
                }
        }
        return n;
}

static size_t op_list(struct canring_service *svc, struct ctl_owner *caller, const char *ifname,
                      struct canring_ctl_reply *r, void *out, size_t cap)
{
        struct ctl_server *cs = svc->control;
        size_t max = cap / sizeof(struct canring_control_task), n;

        if (max > CANRING_CONTROL_MAX_TASKS)
                max = CANRING_CONTROL_MAX_TASKS;
        n = list_owner(caller, true, false, ifname, out, 0, max);
        for (unsigned i = 0; i < CTL_MAX_CONNS; i++)
                if (cs->conns[i].fd >= 0 && &cs->conns[i].owner != caller)
                        n = list_owner(&cs->conns[i].owner, false, false, ifname, out, n, max);
        n = list_owner(&cs->detached, false, true, ifname, out, n, max);
        r->rc = (int32_t)n;
        return (n < max ? n : max) * sizeof(struct canring_control_task);
}

/* Applies filters, join and error mask to a channel socket; on failure restores SPEC's. */
static int apply_filters(int fd, const struct can_filter *f, unsigned n, bool join,
                         can_err_mask_t err_mask)
{
        /* The kernel's default is one filter that passes every data frame: that is "none given". */
        static const struct can_filter pass_all = {0, 0};
        int j = join;

        if (setsockopt(fd, SOL_CAN_RAW, CAN_RAW_JOIN_FILTERS, &j, sizeof(j)) < 0 ||
            setsockopt(fd, SOL_CAN_RAW, CAN_RAW_FILTER, n ? f : &pass_all,
                       (socklen_t)((n ? n : 1) * sizeof(*f))) < 0 ||
            setsockopt(fd, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &err_mask, sizeof(err_mask)) < 0)
                return -errno;
        return 0;
}

static int op_set_filters(struct canring_service *svc, const struct canring_ctl_request *req,
                          const void *payload, struct canring_ctl_reply *r)
{
        const struct canring_ctl_filters *h = payload;
        struct target t;
        int rc;

        if (req->len < sizeof(*h))
                return fail(r, -EBADMSG, "request too short");
        if (h->nfilters > CANRING_FILTER_MAX)
                return fail(r, -EINVAL, "%u filters: at most %d", h->nfilters, CANRING_FILTER_MAX);
        if (req->len != sizeof(*h) + h->nfilters * sizeof(struct can_filter))
                return fail(r, -EBADMSG, "request says %u filters, carries %zu bytes of them",
                            h->nfilters, req->len - sizeof(*h));
        if ((rc = resolve(svc, req->ifname, &t, r)) < 0)
                return rc;
        if (t.dynamic)
                return fail(r, -EOPNOTSUPP,
                            "%s is received through the 'any' channel, which has one socket for "
                            "every interface: change the filters of 'any'",
                            req->ifname);

        const struct can_filter *f = (const void *)(h + 1);
        struct svc_channel *c = &svc->channels[t.ch];
        struct canring_channel_spec *spec = &svc->cfg.channels[t.ch];

        if (c->fd >= 0) {
                rc = apply_filters(c->fd, f, h->nfilters, h->join != 0, h->err_mask);
                if (rc < 0) {
                        apply_filters(c->fd, spec->filters, spec->nfilters, spec->join,
                                      spec->err_mask);
                        return fail(r, rc, "%s: setting the filters: %s (the old ones stay)",
                                    req->ifname, strerror(-rc));
                }
        }
        /* Kept in the channel's spec: a re-created interface gets a socket with these. */
        memcpy(spec->filters, f, h->nfilters * sizeof(*f));
        spec->nfilters = (uint16_t)h->nfilters;
        spec->join = h->join != 0;
        spec->err_mask = h->err_mask;
        return 0;
}

static int op_interface(struct canring_service *svc, const struct canring_ctl_request *req,
                        const void *payload, struct canring_ctl_reply *r)
{
        const struct canring_ctl_ifapply *a = payload;
        size_t want = req->op == CANRING_CTL_IF_APPLY ? sizeof(*a) : 0;
        struct target t;
        char why[192] = "";
        int rc;

        if (req->len != want)
                return fail(r, -EBADMSG, "request carries %u bytes, want %zu", req->len, want);
        if ((rc = resolve(svc, req->ifname, &t, r)) < 0)
                return rc;
        /* The channels follow what happens through netlink, as for any other change. */
        if (req->op == CANRING_CTL_IF_RESTART)
                rc = canring_if_restart(req->ifname, why, sizeof(why));
        else
                rc = canring_if_apply(req->ifname, &a->cfg, a->down_first != 0, a->up_last != 0,
                                      why, sizeof(why));
        return rc < 0 ? fail(r, rc, "%s", why) : 0;
}

static size_t op_hello(struct canring_service *svc, void *out, size_t cap)
{
        struct canring_ctl_hello h = {
            .version = CANRING_CONTROL_VERSION,
            .pid = (int32_t)getpid(),
            .nchannels = svc->nconfigured,
            .flags = (svc->cfg.fd ? CANRING_CONTROL_SVC_FD : 0) |
                     (svc->cfg.own ? CANRING_CONTROL_SVC_OWN : 0),
        };

        if (cap < sizeof(h))
                return 0;
        memcpy(out, &h, sizeof(h));
        return sizeof(h);
}

size_t svc_control_handle(struct canring_service *svc, struct ctl_owner *caller,
                          const struct canring_ctl_request *req, const void *payload,
                          struct canring_ctl_reply *r, void *out, size_t cap)
{
        switch (req->op) {
        case CANRING_CTL_HELLO:
                return op_hello(svc, out, cap);
        case CANRING_CTL_SEND:
                op_send(svc, req->ifname, payload, req->len, r);
                return 0;
        case CANRING_CTL_PERIODIC_START:
        case CANRING_CTL_PERIODIC_MODIFY:
                op_periodic_frames(svc, caller, req, payload, r);
                return 0;
        case CANRING_CTL_PERIODIC_STOP:
        case CANRING_CTL_PERIODIC_RESTART:
        case CANRING_CTL_PERIODIC_REMOVE:
                op_task(svc, caller, req, payload, r);
                return 0;
        case CANRING_CTL_PERIODIC_STOP_ALL:
                op_stop_all(svc, caller, req->ifname, r);
                return 0;
        case CANRING_CTL_PERIODIC_LIST:
                return op_list(svc, caller, req->ifname, r, out, cap);
        case CANRING_CTL_SET_FILTERS:
                op_set_filters(svc, req, payload, r);
                return 0;
        case CANRING_CTL_IF_APPLY:
        case CANRING_CTL_IF_RESTART:
                op_interface(svc, req, payload, r);
                return 0;
        default:
                fail(r, -EOPNOTSUPP, "unknown request %u", req->op);
                return 0;
        }
}

void svc_control_owner_release(struct ctl_owner *o)
{
        for (unsigned i = 0; i < o->nhandles; i++)
                canring_bcm_close(o->handles[i].bcm);
        o->nhandles = 0;
}
