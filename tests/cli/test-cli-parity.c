/* test-cli-parity.c — runboard-cli --json answers the same bytes and exit
 * statuses locally and through --server (a real runboard-server on a free
 * loopback port over a copy of the same data)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include <gio/gio.h>

#include "rb-test-util.h"

#define LISTENING_PREFIX "Listening on http://127.0.0.1:"
#define RUN_SIM "run_20261120T081500Z_7c1e2a90"

typedef struct
{
  char        *local_dir;
  char        *remote_dir;
  char        *log_path;
  GSubprocess *proc;
  char        *base_url;
} Fixture;

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  guint64 port;

  f->local_dir = rb_test_make_temp_dir ();
  f->remote_dir = rb_test_make_temp_dir ();
  rb_test_copy_tree (sample, f->local_dir);
  rb_test_copy_tree (sample, f->remote_dir);
  f->log_path = g_build_filename (f->remote_dir, "..", "server.log", NULL);
  g_free (f->log_path);
  f->log_path = g_strconcat (f->remote_dir, ".log", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, f->log_path);
  f->proc = g_subprocess_launcher_spawn (launcher, &error, rb_test_server_path (),
                                         "--listen", "127.0.0.1:0",
                                         "--data-dir", f->remote_dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, LISTENING_PREFIX));
  port = g_ascii_strtoull (line + strlen (LISTENING_PREFIX), NULL, 10);
  g_assert_cmpuint (port, >, 0);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u/", (guint) port);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_subprocess_force_exit (f->proc);
  g_subprocess_wait (f->proc, NULL, NULL);
  g_clear_object (&f->proc);
  rb_test_remove_tree (f->local_dir);
  rb_test_remove_tree (f->remote_dir);
  g_unlink (f->log_path);
  g_free (f->local_dir);
  g_free (f->remote_dir);
  g_free (f->log_path);
  g_free (f->base_url);
}

static int
run_cli (const char          *option,
         const char          *value,
         const char * const  *args,
         char               **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) rb_test_cli_path ());
  g_ptr_array_add (argv, (gpointer) option);
  g_ptr_array_add (argv, (gpointer) value);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

/* Runs @args locally and remotely; both answers must be the same bytes. */
static int
assert_same (Fixture            *f,
             const char * const *args)
{
  g_autofree char *local_out = NULL;
  g_autofree char *remote_out = NULL;
  g_autofree char *joined = g_strjoinv (" ", (char **) args);
  int local_status;
  int remote_status;

  g_test_message ("runboard-cli %s", joined);
  local_status = run_cli ("--data-dir", f->local_dir, args, &local_out);
  remote_status = run_cli ("--server", f->base_url, args, &remote_out);
  g_assert_cmpstr (remote_out, ==, local_out);
  g_assert_cmpint (remote_status, ==, local_status);
  g_assert_true (g_str_has_prefix (local_out, "{"));
  return local_status;
}

#define SAME(status, ...) \
  G_STMT_START { \
    const char *args_[] = { __VA_ARGS__, "--json", NULL }; \
    g_assert_cmpint (assert_same (f, args_), ==, (status)); \
  } G_STMT_END

static void
test_reads (Fixture       *f,
            gconstpointer  data)
{
  SAME (0, "runs", "list");
  SAME (0, "runs", "list", "--mode", "simulation", "--sort", "template", "--order", "asc");
  SAME (0, "runs", "list", "--page", "2", "--page-size", "2");
  SAME (0, "runs", "list", "--search", "transport", "--has-warnings");
  SAME (0, "runs", "list", "--telemetry", "available", "--template", "nope");
  SAME (2, "runs", "list", "--page-size", "0");
  SAME (0, "runs", "show", RUN_SIM);
  SAME (4, "runs", "show", "run_20990101T000000Z_nope");
  SAME (2, "runs", "show", "..");
  SAME (0, "templates", "list");
  SAME (4, "templates", "show", "No.Such.Template");
  SAME (0, "telemetry", "list");
}

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  SAME (4, "run", "No.Such.Template");
  SAME (2, "run", "Bad Id");
  SAME (4, "replay", "run_20990101T000000Z_nope", "--from", "model");
  SAME (2, "replay", "..", "--from", "telemetry");
}

/* telemetry generate goes to the server with --server: the same answers,
 * byte for byte, for everything whose bytes do not carry a new timestamp. */
static void
test_telemetry (Fixture       *f,
                gconstpointer  data)
{
  SAME (0, "telemetry", "generate", RUN_SIM, "--run-scoped", "--dry-run");
  SAME (0, "telemetry", "generate", RUN_SIM, "--capture-key", "somewhere-new", "--dry-run");
  SAME (3, "telemetry", "generate", RUN_SIM, "--capture-key", "transportation-network-telemetry");
  SAME (4, "telemetry", "generate", "run_20990101T000000Z_nope");
  SAME (5, "telemetry", "generate", "run_20261122T093000Z_5e6f7a8b");
  SAME (2, "telemetry", "generate", "..");
  SAME (2, "telemetry", "generate", RUN_SIM, "--gap-fill", "sometimes");
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/cli-parity/reads", test_reads);
  ADD ("/cli-parity/create", test_create);
  ADD ("/cli-parity/telemetry", test_telemetry);

  return g_test_run ();
}
