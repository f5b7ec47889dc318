/* rb-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "rb-test-util.h"

char *
rb_test_make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("runboard-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
rb_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      rb_test_remove_tree (child);
    }
  g_rmdir (path);
}

void
rb_test_copy_tree (const char *src,
                   const char *dest)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (src, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
      rb_test_write_file (dest, contents, len);
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (dest, 0755), ==, 0);
  dir = g_dir_open (src, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *s = g_build_filename (src, name, NULL);
      g_autofree char *d = g_build_filename (dest, name, NULL);
      rb_test_copy_tree (s, d);
    }
}

void
rb_test_write_file (const char *path,
                    const char *contents,
                    gssize      len)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

guint
rb_test_count_entries (const char *dir,
                       const char *prefix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (name[0] != '.' && (prefix == NULL || g_str_has_prefix (name, prefix)))
      n++;
  return n;
}

char *
rb_test_read_file (const char *path,
                   gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
build_from_va (const char *base,
               const char *first,
               va_list     args)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;

  g_ptr_array_add (parts, (gpointer) base);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

char *
rb_test_data_path (const char *first,
                   ...)
{
  g_autofree char *base = g_test_build_filename (G_TEST_DIST, "data", NULL);
  va_list args;
  char *path;

  va_start (args, first);
  path = build_from_va (base, first, args);
  va_end (args);
  return path;
}

char *
rb_test_flowtime_path (const char *first,
                       ...)
{
  const char *shared = g_getenv ("RUNBOARD_SHARED_DIR");
  g_autofree char *base = NULL;
  va_list args;
  char *path;

  if (shared == NULL)
    shared = "../shared";
  base = g_build_filename (shared, "flowtime", NULL);
  if (!g_file_test (base, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("FlowTime reference files not found: this test reads them from "
                   "../shared/flowtime beside the checkout (set RUNBOARD_SHARED_DIR)");
      return NULL;
    }
  va_start (args, first);
  path = build_from_va (base, first, args);
  va_end (args);
  return path;
}

int
rb_test_spawn (const char * const *argv,
               const char * const *env_extra,
               char               **out_stdout,
               char               **out_stderr)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int wait_status = 0;

  for (guint i = 0; env_extra != NULL && env_extra[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env_extra[i], "=", 2);
      envp = g_environ_setenv (envp, kv[0], kv[1] ? kv[1] : "", TRUE);
    }
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                out_stdout, out_stderr, &wait_status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return -1;
}

const char *
rb_test_cli_path (void)
{
  const char *path = g_getenv ("RUNBOARD_CLI");
  g_assert_nonnull (path);
  return path;
}

const char *
rb_test_server_path (void)
{
  const char *path = g_getenv ("RUNBOARD_SERVER");
  g_assert_nonnull (path);
  return path;
}

/*
 * A real runboard-server
 */

#define LISTENING_PREFIX "Listening on http://127.0.0.1:"

struct _RbTestServerProc
{
  GSubprocess *proc;
  GPid         pid;
  guint16      port;
  char        *url;
};

static void
server_child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

RbTestServerProc *
rb_test_server_proc_start (const char         *data_dir,
                           const char         *log_path,
                           const char * const *extra_args,
                           int                *exit_status)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;
  RbTestServerProc *server;
  guint64 port;

  g_ptr_array_add (argv, (gpointer) rb_test_server_path ());
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1:0");
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) data_dir);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, server_child_setup, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL && exit_status != NULL)
    {
      g_subprocess_wait (proc, NULL, NULL);
      *exit_status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
      return NULL;
    }
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, LISTENING_PREFIX));
  g_assert_true (g_str_has_suffix (line, "/"));
  port = g_ascii_strtoull (line + strlen (LISTENING_PREFIX), NULL, 10);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (port, <, 65536);

  server = g_new0 (RbTestServerProc, 1);
  server->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (proc), NULL, 10);
  server->proc = g_steal_pointer (&proc);
  server->port = (guint16) port;
  server->url = g_strdup_printf ("http://127.0.0.1:%u/", (guint) port);
  return server;
}

guint16
rb_test_server_proc_get_port (RbTestServerProc *server)
{
  return server->port;
}

const char *
rb_test_server_proc_get_url (RbTestServerProc *server)
{
  return server->url;
}

GPid
rb_test_server_proc_get_pid (RbTestServerProc *server)
{
  return server->pid;
}

GSubprocess *
rb_test_server_proc_get_subprocess (RbTestServerProc *server)
{
  return server->proc;
}

void
rb_test_server_proc_stop (RbTestServerProc *server)
{
  if (server == NULL)
    return;

  g_subprocess_force_exit (server->proc);
  g_subprocess_wait (server->proc, NULL, NULL);
  g_object_unref (server->proc);
  g_free (server->url);
  g_free (server);
}

void
rb_test_spin_until (gboolean   (*done) (gpointer),
                    gpointer     data,
                    guint        timeout_ms,
                    const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

void
rb_test_assert_finalized_soon (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);

  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  g_assert_null (weak);
}
