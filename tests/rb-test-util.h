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

G_END_DECLS
