/* main.c — runboard-server entry point: options, listen, run until SIGTERM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "runboard-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "rb-data-dir.h"
#include "rb-server.h"

#define EXIT_USAGE 2
/* How long SIGTERM waits for requests in flight before giving up on them. */
#define DRAIN_TIMEOUT_SECONDS 30

typedef struct
{
  GMainLoop *loop;
  RbServer  *server;
  guint      drain_timeout_id;
  gboolean   stopping;
} App;

static void
shutdown_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  App *app = user_data;

  rb_server_shutdown_finish (RB_SERVER (source), result, NULL);
  g_main_loop_quit (app->loop);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("Requests still running after %d s; exiting anyway.\n", DRAIN_TIMEOUT_SECONDS);
  app->drain_timeout_id = 0;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_signal_cb (gpointer user_data)
{
  App *app = user_data;

  if (app->stopping)
    return G_SOURCE_CONTINUE;
  app->stopping = TRUE;
  g_printerr ("Stopping: no longer accepting connections; %u request(s) in flight.\n",
              rb_server_get_n_pending (app->server));
  app->drain_timeout_id = g_timeout_add_seconds (DRAIN_TIMEOUT_SECONDS, drain_timeout_cb, app);
  rb_server_shutdown_async (app->server, NULL, shutdown_done_cb, app);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir_option = NULL;
  g_autofree char *data_dir = NULL;
  gboolean disable_telemetry_generation = FALSE;
  g_auto(GStrv) output_roots = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(RbServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *host = NULL;
  App app = { 0 };
  guint sigterm_id, sigint_id;
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "Address and port to listen on (default 127.0.0.1:8081; port 0 picks a free one)", "ADDR:PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir_option,
      "Data folder to serve (default: RUNBOARD_DATA_DIR, the data-directory setting, "
      "then $XDG_DATA_HOME/runboard)", "DIR" },
    { "disable-telemetry-generation", 0, 0, G_OPTION_ARG_NONE, &disable_telemetry_generation,
      "Refuse telemetry generation requests", NULL },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      "Require “Authorization: Bearer TOKEN” on every request, TOKEN being the "
      "file's content without surrounding whitespace", "FILE" },
    { "allow-output-root", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &output_roots,
      "Allow telemetry exports (output.directory) under DIR; repeatable", "DIR" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— serve the Runboard HTTP API");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("runboard-server: %s\n", error->message);
      g_printerr ("Try 'runboard-server --help' for more information.\n");
      return EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("runboard-server: unexpected argument '%s'\n", argv[1]);
      g_printerr ("Try 'runboard-server --help' for more information.\n");
      return EXIT_USAGE;
    }

  address = rb_server_parse_listen_address (listen != NULL ? listen : "127.0.0.1:8081", &error);
  if (address == NULL)
    {
      g_printerr ("runboard-server: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (token_file != NULL)
    {
      token = rb_server_read_token_file (token_file, &error);
      if (token == NULL)
        {
          g_printerr ("runboard-server: %s\n", error->message);
          return EXIT_USAGE;
        }
    }

  data_dir = rb_data_dir_resolve (data_dir_option);
  server = rb_server_new (data_dir, !disable_telemetry_generation);
  if (token != NULL)
    rb_server_set_token (server, token);
  for (guint i = 0; output_roots != NULL && output_roots[i] != NULL; i++)
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autofree char *root = g_canonicalize_filename (output_roots[i], cwd);

      if (!g_file_test (root, G_FILE_TEST_IS_DIR))
        {
          g_printerr ("runboard-server: --allow-output-root %s is not a folder\n", output_roots[i]);
          return EXIT_USAGE;
        }
      rb_server_add_output_root (server, root);
    }
  if (!rb_server_listen (server, address, &error))
    {
      g_autofree char *where = NULL;

      where = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));
      g_printerr ("runboard-server: could not listen on %s: %s\n", where, error->message);
      return 1;
    }

  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  if (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)) != NULL &&
      g_inet_address_get_family (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address))) == G_SOCKET_FAMILY_IPV6)
    printf ("Listening on http://[%s]:%u/\n", host, rb_server_get_port (server));
  else
    printf ("Listening on http://%s:%u/\n", host, rb_server_get_port (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  app.server = server;
  sigterm_id = g_unix_signal_add (SIGTERM, stop_signal_cb, &app);
  sigint_id = g_unix_signal_add (SIGINT, stop_signal_cb, &app);

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  g_clear_handle_id (&app.drain_timeout_id, g_source_remove);
  g_printerr ("Stopped.\n");
  return 0;
}
