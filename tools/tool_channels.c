/* SPDX-License-Identifier: MIT */
/* Channel names, command-line channel selections and record-to-frame conversion for the tools. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_channels.h"

int tool_chans_load(struct tool_chans *t, struct canring_consumer *c)
{
        t->c = c;
        t->n = canring_consumer_nchannels(c);
        t->info = calloc(t->n ? t->n : 1, sizeof(*t->info));
        if (!t->info)
                return -ENOMEM;
        for (unsigned i = 0; i < t->n; i++)
                tool_chans_refresh(t, i);
        return 0;
}

void tool_chans_free(struct tool_chans *t)
{
        free(t->info);
        t->info = NULL;
        t->n = 0;
}

void tool_chans_refresh(struct tool_chans *t, unsigned idx)
{
        struct canring_channel_info info;

        if (idx >= t->n || canring_consumer_channel(t->c, idx, &info, NULL))
                return;
        info.name[sizeof(info.name) - 1] = '\0'; /* never trust shared memory to terminate it */
        t->info[idx] = info;
}

const char *tool_chans_name(struct tool_chans *t, unsigned idx, char *buf, size_t len)
{
        if (idx < t->n) {
                if (!t->info[idx].name[0])
                        tool_chans_refresh(t, idx);
                if (t->info[idx].name[0])
                        return t->info[idx].name;
        }
        snprintf(buf, len, "ch%u", idx);
        return buf;
}

int tool_chans_find(const struct tool_chans *t, const char *name)
{
        for (unsigned i = 0; i < t->n; i++)
                if (strcmp(t->info[i].name, name) == 0)
                        return (int)i;
        return -1;
}

int tool_sel_parse(const char *arg, struct tool_sel *sel, char *err, size_t errlen)
{
        int ret;

        memset(sel, 0, sizeof(*sel));
        sel->arg = arg;
        sel->channel = -1;
        ret = canring_channel_spec_parse(arg, &sel->spec, err, errlen);
        if (ret)
                return ret;
        sel->filtered = strchr(arg, ',') != NULL;
        return 0;
}

int tool_sel_resolve(struct tool_sel *sel, const struct tool_chans *t)
{
        if (sel->spec.any) {
                sel->channel = -1;
                return 0;
        }
        sel->channel = tool_chans_find(t, sel->spec.ifname);
        return sel->channel < 0 ? -ENODEV : 0;
}

bool tool_sel_match(const struct tool_sel *sel, unsigned channel, canid_t can_id, bool default_all)
{
        if (sel->channel >= 0 && (unsigned)sel->channel != channel)
                return false;
        if (!sel->filtered && default_all)
                return true;
        return canring_channel_spec_match(&sel->spec, can_id);
}

bool tool_record_frame(const struct canring_record *r, struct canfd_frame *f, size_t *mtu)
{
        switch (r->kind) {
        case CANRING_KIND_CLASSIC:
        case CANRING_KIND_ERROR:
                memset(f, 0, sizeof(*f));
                memcpy(f, &r->can, sizeof(r->can));
                *mtu = CAN_MTU;
                return true;
        case CANRING_KIND_FD:
                *f = r->canfd;
                /* The record flags are the authoritative copy of BRS/ESI. */
                if (r->flags & CANRING_FLAG_BRS)
                        f->flags |= CANFD_BRS;
                if (r->flags & CANRING_FLAG_ESI)
                        f->flags |= CANFD_ESI;
                if (f->len > CANFD_MAX_DLEN)
                        f->len = CANFD_MAX_DLEN;
                *mtu = CANFD_MTU;
                return true;
        default:
                return false;
        }
}

enum canring_dir tool_record_dir(const struct canring_record *r)
{
        return r->flags & (CANRING_FLAG_TX | CANRING_FLAG_LOCAL) ? CANRING_DIR_TX : CANRING_DIR_RX;
}
