/* test-cli-parity.c — runboard-cli --json answers the same bytes and exit
 * statuses locally and through --server (a real runboard-server on a free
 * loopback port over a copy of the same data)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rb-test-util.h"

#define RUN_SIM "run_20261120T081500Z_7c1e2a90"

typedef struct
{
  char        *local_dir;
  char        *remote_dir;
  char        *log_path;
  RbTestServerProc *server;
  char        *base_url;
} Fixture;

/* Starts runboard-server over @data_dir on a free loopback port (with
 * @extra_arg, nullable); its base URL is in *base_url. The child inherits
 * our environment, RUNBOARD_TEMPLATE_DIR included, so both sides see the
 * same shipped templates. */
static RbTestServerProc *
server_start (const char  *data_dir,
              const char  *log_path,
              const char  *extra_arg,
              char       **base_url)
{
  const char *extra[] = { extra_arg, NULL };
  RbTestServerProc *server = rb_test_server_proc_start (data_dir, log_path, extra, NULL);

  *base_url = g_strdup (rb_test_server_proc_get_url (server));
  return server;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);

  /* the shipped templates, for `run` (tests/meson.build sets it) */
  g_assert_nonnull (g_getenv ("RUNBOARD_TEMPLATE_DIR"));

  f->local_dir = rb_test_make_temp_dir ();
  f->remote_dir = rb_test_make_temp_dir ();
  rb_test_copy_tree (sample, f->local_dir);
  rb_test_copy_tree (sample, f->remote_dir);
  f->log_path = g_strconcat (f->remote_dir, ".log", NULL);
  f->server = server_start (f->remote_dir, f->log_path, data, &f->base_url);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, rb_test_server_proc_stop);
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

/* @out without its lines that contain @drop (NULL: as is). */
static char *
drop_lines (const char *out,
            const char *drop)
{
  g_auto(GStrv) lines = NULL;
  GString *kept = g_string_new (NULL);

  if (drop == NULL)
    {
      g_string_append (kept, out);
      return g_string_free (kept, FALSE);
    }

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], drop) != NULL)
        continue;
      g_string_append (kept, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (kept, '\n');
    }
  return g_string_free (kept, FALSE);
}

/* Runs @args locally and remotely; both answers must be the same bytes,
 * once the lines containing @drop (nullable) are left out of both. */
static int
assert_same_but (Fixture            *f,
                 const char         *drop,
                 const char * const *args)
{
  g_autofree char *local_out = NULL;
  g_autofree char *remote_out = NULL;
  g_autofree char *local_kept = NULL;
  g_autofree char *remote_kept = NULL;
  g_autofree char *joined = g_strjoinv (" ", (char **) args);
  int local_status;
  int remote_status;

  g_test_message ("runboard-cli %s", joined);
  local_status = run_cli ("--data-dir", f->local_dir, args, &local_out);
  remote_status = run_cli ("--server", f->base_url, args, &remote_out);
  if (drop != NULL)
    {
      /* what is left out is there on both sides */
      g_assert_nonnull (strstr (local_out, drop));
      g_assert_nonnull (strstr (remote_out, drop));
    }
  local_kept = drop_lines (local_out, drop);
  remote_kept = drop_lines (remote_out, drop);
  g_assert_cmpstr (remote_kept, ==, local_kept);
  g_assert_cmpint (remote_status, ==, local_status);
  g_assert_true (g_str_has_prefix (local_out, "{"));
  return local_status;
}

static int
assert_same (Fixture            *f,
             const char * const *args)
{
  return assert_same_but (f, NULL, args);
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

/* Same, leaving out the lines holding @drop. */
#define SAME_BUT(status, drop, ...) \
  G_STMT_START { \
    const char *args_[] = { __VA_ARGS__, "--json", NULL }; \
    g_assert_cmpint (assert_same_but (f, (drop), args_), ==, (status)); \
  } G_STMT_END

/* Successful creation on fresh copies. A deterministic run id is the same
 * on both sides, so a dry run's plan is the same bytes; the created run
 * differs only in its creation time, so those are compared after leaving
 * out the "createdUtc" member line. A replay's new run id carries the time
 * and a random part (it is not deterministic), so a replay's dry-run plan
 * is compared after leaving out its "runId" line (the source run id is in
 * no other line of a plan). */
static void
test_create_ok (Fixture       *f,
                gconstpointer  data)
{
  SAME (0, "run", "order-fulfilment-waves", "--deterministic", "--dry-run");
  SAME (0, "run", "parcel-hub-sortation", "--deterministic", "--seed", "9",
        "--param", "sorterThroughput=5000", "--dry-run");
  SAME_BUT (0, "\"createdUtc\": ", "run", "order-fulfilment-waves", "--deterministic");
  /* again: reused, the same run with its creation time on each side */
  SAME_BUT (0, "\"createdUtc\": ", "run", "order-fulfilment-waves", "--deterministic");
  SAME_BUT (0, "\"runId\": \"run_", "replay", RUN_SIM, "--from", "model", "--dry-run");
  SAME_BUT (0, "\"runId\": \"run_", "replay", RUN_SIM, "--from", "telemetry", "--dry-run");
  /* no bundle for the run: 422 with core's words on both sides */
  SAME (5, "replay", "run_20261123T110000Z_0d9c8b7a", "--from", "telemetry");
  SAME (5, "replay", "run_20261123T110000Z_0d9c8b7a", "--from", "telemetry", "--dry-run");
}

/* --token-file against a server started with one: the right token reads
 * the same bytes as local mode, a wrong or missing one exits 6 with the
 * server's 401 body on stdout under --json. */
static void
test_token (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *right = g_strconcat (f->remote_dir, ".token", NULL);
  g_autofree char *wrong = g_strconcat (f->remote_dir, ".wrong-token", NULL);
  g_autofree char *token_arg = g_strconcat ("--token-file=", right, NULL);
  g_autofree char *log_path = g_strconcat (f->remote_dir, ".token.log", NULL);
  g_autofree char *url = NULL;
  g_autoptr(RbTestServerProc) server = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_file_set_contents (right, "s3cret-parity\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (wrong, "s3cret-parit\n", -1, &error);
  g_assert_no_error (error);
  server = server_start (f->remote_dir, log_path, token_arg, &url);

  {
    const char *args[] = { "--token-file", right, "runs", "list", "--json", NULL };
    const char *local_args[] = { "runs", "list", "--json", NULL };
    g_autofree char *out = NULL;
    g_autofree char *local_out = NULL;

    status = run_cli ("--server", url, args, &out);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpint (run_cli ("--data-dir", f->local_dir, local_args, &local_out), ==, 0);
    g_assert_cmpstr (out, ==, local_out);
  }

  {
    const char *args[] = { "--token-file", wrong, "runs", "list", "--json", NULL };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *out = NULL;
    JsonObject *body;

    status = run_cli ("--server", url, args, &out);
    g_assert_cmpint (status, ==, 6);
    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    body = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpuint (json_object_get_size (body), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (body, "code"), ==, "unauthorized");
    g_assert_cmpstr (json_object_get_string_member (body, "error"), !=, "");
  }

  {
    const char *args[] = { "runs", "show", RUN_SIM, "--json", NULL };
    g_autofree char *out = NULL;

    /* no token at all */
    status = run_cli ("--server", url, args, &out);
    g_assert_cmpint (status, ==, 6);
    g_assert_nonnull (strstr (out, "\"code\": \"unauthorized\""));
  }

  g_clear_pointer (&server, rb_test_server_proc_stop);
  g_unlink (right);
  g_unlink (wrong);
  g_unlink (log_path);
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
  ADD ("/cli-parity/create-ok", test_create_ok);
  ADD ("/cli-parity/token", test_token);

  return g_test_run ();
}
