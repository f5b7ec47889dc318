/* rb-server.h — the Runboard HTTP API over a data folder (api.md)
 *
 * RbServer wraps a SoupServer: it routes requests, maps them to core calls
 * run in worker threads (the main loop keeps serving meanwhile), and maps
 * core results and errors to status codes and JSON bodies. It holds no rule
 * of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RB_TYPE_SERVER (rb_server_get_type ())

G_DECLARE_FINAL_TYPE (RbServer, rb_server, RB, SERVER, GObject)

/* @data_dir: absolute; need not exist yet. */
RbServer   *rb_server_new                      (const char          *data_dir,
                                                gboolean             telemetry_generation);
const char *rb_server_get_data_dir             (RbServer            *self);
gboolean    rb_server_get_telemetry_generation (RbServer            *self);

/* Allows output.directory targets of POST /v1/telemetry/captures under
 * @directory (absolute); repeatable (--allow-output-root). */
void        rb_server_add_output_root          (RbServer            *self,
                                                const char          *directory);

/* Requires "Authorization: Bearer @token" on every request, healthz
 * included (--token-file); 401 "unauthorized" with "WWW-Authenticate:
 * Bearer" otherwise. The comparison takes the same time whatever the
 * token sent. @token: non-empty; NULL turns the check off. */
void        rb_server_set_token                (RbServer            *self,
                                                const char          *token);

/* Reads a --token-file: its content trimmed of surrounding whitespace. A
 * missing, unreadable or empty (after trimming) file is an error whose
 * message names the file as given. */
char       *rb_server_read_token_file          (const char          *path,
                                                GError             **error);

/* Listens on @address (port 0 picks a free one) in the thread-default main
 * context. */
gboolean    rb_server_listen                   (RbServer            *self,
                                                GSocketAddress      *address,
                                                GError             **error);
/* The port actually bound by the first listener, 0 when not listening. */
guint16     rb_server_get_port                 (RbServer            *self);
/* Requests accepted and not yet finished (responses still being written
 * included). */
guint       rb_server_get_n_pending            (RbServer            *self);

/* Stops accepting connections; requests in flight finish normally. The
 * task completes once none is left. */
void        rb_server_shutdown_async           (RbServer            *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    rb_server_shutdown_finish          (RbServer            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* "127.0.0.1:8081", "[::1]:8081", "localhost:0" → a socket address; a bad
 * value is RB_ERROR_INVALID_REQUEST with a sentence naming it. */
GSocketAddress *rb_server_parse_listen_address (const char  *value,
                                                GError     **error);

G_END_DECLS
