/* rb-test-util.h — small helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh folder under $TMPDIR; remove it with rb_test_remove_tree(). */
char       *rb_test_make_temp_dir  (void);
void        rb_test_remove_tree    (const char  *path);
void        rb_test_copy_tree      (const char  *src,
                                    const char  *dest);
/* Writes @contents (len -1 = strlen), creating parent folders. */
void        rb_test_write_file     (const char  *path,
                                    const char  *contents,
                                    gssize       len);
char       *rb_test_read_file      (const char  *path,
                                    gsize       *len);
/* Entries of @dir whose names do not start with "." (core's lock and temp
 * files) and, when @prefix is not NULL, start with @prefix; 0 when @dir
 * cannot be read. */
guint       rb_test_count_entries  (const char  *dir,
                                    const char  *prefix);
/* tests/data/<first>/… in the source tree. */
char       *rb_test_data_path      (const char  *first,
                                    ...) G_GNUC_NULL_TERMINATED;
/* ../shared/flowtime/<first>/…, or NULL after g_test_skip() with a clear
 * message when the checkout has no ../shared beside it. */
char       *rb_test_flowtime_path  (const char  *first,
                                    ...) G_GNUC_NULL_TERMINATED;
/* Runs @argv (argv[0] a path) with extra "NAME=VALUE" entries in @env_extra
 * (nullable), waits, and returns the exit status (or 128+signal). */
int         rb_test_spawn          (const char * const *argv,
                                    const char * const *env_extra,
                                    char               **out_stdout,
                                    char               **out_stderr);
/* The path of an executable under test from $RUNBOARD_CLI / $RUNBOARD_SERVER. */
const char *rb_test_cli_path       (void);
const char *rb_test_server_path    (void);

/* A real runboard-server for a test: $RUNBOARD_SERVER --listen 127.0.0.1:0
 * --data-dir DATA_DIR EXTRA…, its stderr into @log_path, killed with the
 * test process even when an assertion aborts it (PR_SET_PDEATHSIG). */
typedef struct _RbTestServerProc RbTestServerProc;

/* Starts the server and asserts its "Listening on http://127.0.0.1:PORT/"
 * line. With @exit_status non-NULL, a server that exits before printing
 * it gives NULL and its exit status (-1: killed by a signal). */
RbTestServerProc *rb_test_server_proc_start          (const char         *data_dir,
                                                      const char         *log_path,
                                                      const char * const *extra_args,
                                                      int                *exit_status);
guint16           rb_test_server_proc_get_port       (RbTestServerProc   *server);
/* "http://127.0.0.1:PORT/" */
const char       *rb_test_server_proc_get_url        (RbTestServerProc   *server);
GPid              rb_test_server_proc_get_pid        (RbTestServerProc   *server);
GSubprocess      *rb_test_server_proc_get_subprocess (RbTestServerProc   *server);
/* Kills the server (if still running), waits for it and frees @server
 * (nullable). */
void              rb_test_server_proc_stop           (RbTestServerProc   *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbTestServerProc, rb_test_server_proc_stop)

/* Iterates the default main context until @done (@data) is TRUE; a test
 * error naming @what after @timeout_ms. */
void        rb_test_spin_until          (gboolean           (*done) (gpointer),
                                         gpointer             data,
                                         guint                timeout_ms,
                                         const char          *what);
/* Drops the last reference to @object and asserts it is finalized. A GTask
 * worker thread may hold its task (and so its source object) a moment after
 * the callback ran: it gets a few seconds to let go. */
void        rb_test_assert_finalized_soon (gpointer          object);

G_END_DECLS
