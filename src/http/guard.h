/* guard.h - deadlines libmicrohttpd does not keep itself. Its connection
 * timeout counts inactivity only, so a client that sends one header line
 * every few seconds (slowloris) or trickles a body keeps its connection
 * for ever. The guard knows each connection's phase and since when it is
 * in it, and a watchman thread shuts down the socket of one that waits too
 * long for its headers (or, between requests, for the next request) or for
 * its body. MHD then sees the end of the stream and closes the connection
 * itself; the handler of a running request is never cut. */
#ifndef KEHU_GUARD_H
#define KEHU_GUARD_H

#include <microhttpd.h>

typedef enum guard_phase {
    GUARD_WAITING,  /* accepted or between requests: the headers are due */
    GUARD_BODY,     /* headers in, the body is being read */
    GUARD_HANDLING, /* the handler runs or the answer is being sent */
} guard_phase;

/* Starts the watchman: header_s and body_s are the deadlines in seconds
 * (0: none). After an answer a keep-alive connection may first idle for
 * idle_s (MHD closes it then), so the next request's headers are due
 * within idle_s + header_s: a client never races a deadline shorter than
 * the idle timeout it knows. */
int guard_start(unsigned header_s, unsigned body_s, unsigned idle_s);
void guard_stop(void);

/* MHD_OPTION_NOTIFY_CONNECTION: registers and forgets connections. */
void guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode toe);

/* The connection enters a phase (from the request callbacks). */
void guard_phase_set(struct MHD_Connection *c, guard_phase phase);

/* Connections cut so far for a missed deadline (for tests and logs). */
unsigned long guard_cut_count(void);

#endif
