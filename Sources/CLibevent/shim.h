#ifndef TERN_CLIBEVENT_SHIM_H
#define TERN_CLIBEVENT_SHIM_H

// These system headers must come before any libevent header: libevent's event-config.h
// defines _GNU_SOURCE, and a clean build then fails with "'__fds_bits' from module
// 'SwiftGlibc' is not present in definition of 'fd_set'".
#include <features.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/util.h>

/// `evtimer_assign`-style helpers are macros; Swift sees these instead.
static inline int tern_event_add_timeout(struct event *ev, long long nanoseconds) {
    struct timeval tv;
    if (nanoseconds < 0) nanoseconds = 0;
    tv.tv_sec = (time_t)(nanoseconds / 1000000000LL);
    tv.tv_usec = (suseconds_t)((nanoseconds % 1000000000LL) / 1000LL);
    return event_add(ev, &tv);
}

#endif
