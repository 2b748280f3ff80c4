/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "tool_events.h"

const char *tool_can_state_name(uint64_t state)
{
        static const char *const names[] = {"ERROR-ACTIVE", "ERROR-WARNING", "ERROR-PASSIVE",
                                            "BUS-OFF",      "STOPPED",       "SLEEPING"};

        return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
}

int tool_event_line(char *buf, size_t len, const struct canring_record *r, const char *ifname)
{
        const struct canring_event *e = &r->event;
        unsigned long long v0 = e->value[0], v1 = e->value[1], v2 = e->value[2];
        unsigned long long s = r->sw_ts_ns / 1000000000u, ns = r->sw_ts_ns % 1000000000u;

        switch (e->type) {
        case CANRING_EVENT_SOCKET_DROP:
                return snprintf(buf, len,
                                "# canring socket-drop %s frames=%llu total=%llu ts=%llu.%09llu\n",
                                ifname, v0, v1, s, ns);
        case CANRING_EVENT_RING_DROP:
                return snprintf(buf, len,
                                "# canring ring-drop %s frames=%llu total=%llu ts=%llu.%09llu\n",
                                ifname, v0, v1, s, ns);
        case CANRING_EVENT_GAP:
                return snprintf(buf, len, "# canring gap %s ns=%llu reason=%llu ts=%llu.%09llu\n",
                                ifname, v0, v1, s, ns);
        case CANRING_EVENT_BUS_STATE:
                return snprintf(buf, len,
                                "# canring bus-state %s state=%s old=%s txerr=%llu rxerr=%llu "
                                "ts=%llu.%09llu\n",
                                ifname, tool_can_state_name(v0), tool_can_state_name(v1),
                                v2 >> 16 & 0xffffu, v2 & 0xffffu, s, ns);
        case CANRING_EVENT_IF_DOWN:
                return snprintf(buf, len, "# canring if-down %s ts=%llu.%09llu\n", ifname, s, ns);
        case CANRING_EVENT_IF_UP:
                return snprintf(buf, len, "# canring if-up %s ts=%llu.%09llu\n", ifname, s, ns);
        case CANRING_EVENT_IF_DROP:
                return snprintf(buf, len,
                                "# canring if-drop %s frames=%llu total=%llu ts=%llu.%09llu\n",
                                ifname, v0, v1, s, ns);
        case CANRING_EVENT_END_OF_STREAM:
                return snprintf(buf, len, "# canring end-of-stream records=%llu ts=%llu.%09llu\n",
                                v0, s, ns);
        default:
                return snprintf(buf, len, "# canring event type=%u %s ts=%llu.%09llu\n",
                                (unsigned)e->type, ifname, s, ns);
        }
}

int tool_lost_line(char *buf, size_t len, unsigned ring, uint64_t records, uint64_t ts_ns)
{
        return snprintf(buf, len, "# canring lost ring=%u records=%llu ts=%llu.%09llu\n", ring,
                        (unsigned long long)records, (unsigned long long)(ts_ns / 1000000000u),
                        (unsigned long long)(ts_ns % 1000000000u));
}
