/* rb-test-server.h — start the real runboard-server for a test and talk
 * raw HTTP/1.1 to it (shared by test-server-ops.c and test-server-load.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rb-test-util.h"

G_BEGIN_DECLS

typedef struct
{
  char        *tmp;
  char        *data_dir;    /* <tmp>/data: the four runs of rb-test-runs.c + tiny-flow */
  char        *log_path;    /* the server's stderr */
  RbTestServerProc *server;
  GSubprocess *proc;        /* the server's, borrowed */
  GPid         pid;
  guint16      port;
} RbTestServer;

/* A temp data folder with rb-test-runs.c's runs and the tiny-flow template
 * (one service node, captureKey tiny-key, integer parameter "rate"). */
void      rb_test_server_init_data  (RbTestServer        *s);
/* Starts runboard-server --listen 127.0.0.1:0 --data-dir DATA EXTRA…;
 * returns FALSE (and the exit status in *status) when it exits before
 * printing its "Listening on" line. */
gboolean  rb_test_server_start      (RbTestServer        *s,
                                     const char * const  *extra,
                                     int                 *status);
void      rb_test_server_clear      (RbTestServer        *s);

/* One request on a fresh connection ("Connection: close"); @headers: extra
 * header lines, each ending in CRLF (nullable); @body nullable (sent as
 * application/json). Returns the status (0: the connection failed, with
 * @error set), the response head in *head and the body in *out. Checks the
 * body length against Content-Length. */
guint     rb_test_server_http       (guint16              port,
                                     const char          *method,
                                     const char          *path,
                                     const char          *headers,
                                     const char          *body,
                                     char               **head,
                                     char               **out,
                                     GError             **error);

guint     rb_test_server_count_fds  (GPid                 pid);
/* VmRSS in KiB */
guint64   rb_test_server_rss_kib    (GPid                 pid);
/* POST /v1/runs for tiny-flow with rate @rate (deterministic id): the id */
char     *rb_test_server_create_tiny_run (guint16          port,
                                          const char      *auth_headers,
                                          guint            rate);

G_END_DECLS
