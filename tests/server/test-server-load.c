/* test-server-load.c — a bounded load test on loopback: 200 concurrent
 * clients × 50 requests (runs list pages, run details, healthz, templates)
 * while 20 telemetry generations run (15 on keys of their own, 5 on one
 * shared key). Every answer must be the expected status with a whole JSON
 * body, and the server's open fds must come back to where they were.
 *
 * Each client is a thread doing plain blocking HTTP/1.1 on a fresh
 * connection per request (the server answers "Connection: close").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define N_CLIENTS 200   /* at most; RB_TEST_LOAD_CLIENTS sets fewer (test setups) */
#define N_REQUESTS 50
#define N_RUNS 12
#define N_GEN_OWN 15
#define N_GEN_SHARED 5

typedef struct
{
  guint16   port;
  char    **run_ids;
  guint     errors;       /* atomic */
  guint     done;         /* atomic */
  GMutex    lock;
  char     *first_error;  /* under lock */
} Load;

typedef struct
{
  Load  *load;
  guint  index;
} Client;

static void
load_fail (Load       *load,
           const char *what)
{
  g_atomic_int_inc (&load->errors);
  g_mutex_lock (&load->lock);
  if (load->first_error == NULL)
    load->first_error = g_strdup (what);
  g_mutex_unlock (&load->lock);
}

static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  Load *load = c->load;

  for (guint j = 0; j < N_REQUESTS; j++)
    {
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      guint status;

      switch ((c->index + j) % 4)
        {
        case 0:
          path = g_strdup ("/v1/runs?pageSize=50");
          break;
        case 1:
          path = g_strconcat ("/v1/runs/", load->run_ids[(c->index + j) % N_RUNS], NULL);
          break;
        case 2:
          path = g_strdup ("/v1/healthz");
          break;
        default:
          path = g_strdup ("/v1/templates");
          break;
        }
      status = rb_test_server_http (load->port, "GET", path, NULL, NULL, NULL, &body, &error);
      if (status != 200)
        {
          g_autofree char *what = g_strdup_printf ("GET %s: %u %s", path, status,
                                                   error != NULL ? error->message : body);
          load_fail (load, what);
          continue;
        }
      node = json_from_string (body, &error);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autofree char *what = g_strdup_printf ("GET %s: body is not a JSON object", path);
          load_fail (load, what);
          continue;
        }
      g_atomic_int_inc (&load->done);
    }
  return NULL;
}

typedef struct
{
  guint16  port;
  char    *request;
  guint    status;
  char    *body;
  GError  *error;
} Generation;

static gpointer
generation_thread (gpointer data)
{
  Generation *g = data;

  g->status = rb_test_server_http (g->port, "POST", "/v1/telemetry/captures", NULL,
                                   g->request, NULL, &g->body, &g->error);
  return NULL;
}

/* Concurrent clients: RB_TEST_LOAD_CLIENTS (1 to N_CLIENTS, default
 * N_CLIENTS); the valgrind and asan test setups use fewer. */
static guint
n_clients (void)
{
  const char *env = g_getenv ("RB_TEST_LOAD_CLIENTS");

  if (env != NULL && *env != '\0')
    return (guint) CLAMP (g_ascii_strtoull (env, NULL, 10), 1, N_CLIENTS);
  return N_CLIENTS;
}

static void
test_load (void)
{
  RbTestServer s;
  Load load = { 0 };
  const guint clients_n = n_clients ();
  Client clients[N_CLIENTS];
  GThread *client_threads[N_CLIENTS];
  Generation generations[N_GEN_OWN + N_GEN_SHARED];
  GThread *generation_threads[G_N_ELEMENTS (generations)];
  char *run_ids[N_RUNS + 1] = { NULL };
  guint fds_before, fds_after, shared_ok = 0, shared_exists = 0;
  guint64 rss_before, rss_after;
  gint64 start;
  double seconds;

  rb_test_server_init_data (&s);
  g_assert_true (rb_test_server_start (&s, NULL, NULL));
  for (guint i = 0; i < N_RUNS; i++)
    run_ids[i] = rb_test_server_create_tiny_run (s.port, NULL, 20 + i);

  /* warm up: thread pools, the store's first read */
  for (guint i = 0; i < 4; i++)
    {
      const char *paths[] = { "/v1/runs?pageSize=50", "/v1/healthz", "/v1/templates", "/v1/telemetry/captures" };
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (rb_test_server_http (s.port, "GET", paths[i], NULL, NULL, NULL, NULL, &error), ==, 200);
    }
  g_usleep (200 * 1000);
  fds_before = rb_test_server_count_fds (s.pid);
  rss_before = rb_test_server_rss_kib (s.pid);

  load.port = s.port;
  load.run_ids = run_ids;
  g_mutex_init (&load.lock);
  start = g_get_monotonic_time ();

  for (guint i = 0; i < G_N_ELEMENTS (generations); i++)
    {
      Generation *g = &generations[i];

      memset (g, 0, sizeof *g);
      g->port = s.port;
      if (i < N_GEN_OWN)
        g->request = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}, "
                                      "\"output\": {\"captureKey\": \"load-key-%u\"}}",
                                      run_ids[i % N_RUNS], i);
      else
        g->request = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}, "
                                      "\"output\": {\"captureKey\": \"load-shared\"}}",
                                      run_ids[0]);
      generation_threads[i] = g_thread_new ("generation", generation_thread, g);
    }
  for (guint i = 0; i < clients_n; i++)
    {
      clients[i].load = &load;
      clients[i].index = i;
      client_threads[i] = g_thread_new ("client", client_thread, &clients[i]);
    }

  for (guint i = 0; i < clients_n; i++)
    g_thread_join (client_threads[i]);
  for (guint i = 0; i < G_N_ELEMENTS (generations); i++)
    {
      Generation *g = &generations[i];

      g_thread_join (generation_threads[i]);
      g_assert_no_error (g->error);
      if (i < N_GEN_OWN)
        {
          g_assert_cmpuint (g->status, ==, 200);
        }
      else if (g->status == 200)
        shared_ok++;
      else
        {
          g_assert_cmpuint (g->status, ==, 409);
          g_assert_nonnull (strstr (g->body, "\"code\": \"already_exists\""));
          shared_exists++;
        }
      g_free (g->request);
      g_free (g->body);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;

  g_test_message ("%u clients × %u requests + %u generations in %.1f s: %u ok, %u errors%s%s",
                  clients_n, N_REQUESTS, (guint) G_N_ELEMENTS (generations), seconds,
                  load.done, load.errors,
                  load.first_error != NULL ? "; first: " : "",
                  load.first_error != NULL ? load.first_error : "");
  g_assert_cmpuint (load.errors, ==, 0);
  g_assert_cmpuint (load.done, ==, clients_n * N_REQUESTS);
  g_assert_cmpuint (shared_ok, ==, 1);
  g_assert_cmpuint (shared_exists, ==, N_GEN_SHARED - 1);

  /* connections closed by now; give the loop a moment to drop them */
  for (guint i = 0; i < 20; i++)
    {
      fds_after = rb_test_server_count_fds (s.pid);
      if (fds_after <= fds_before + 5)
        break;
      g_usleep (100 * 1000);
    }
  rss_after = rb_test_server_rss_kib (s.pid);
  g_test_message ("server fds: %u before, %u after; RSS: %" G_GUINT64_FORMAT " KiB before, %"
                  G_GUINT64_FORMAT " KiB after", fds_before, fds_after, rss_before, rss_after);
  g_assert_cmpuint (fds_after, <=, fds_before + 5);

  g_mutex_clear (&load.lock);
  g_free (load.first_error);
  for (guint i = 0; i < N_RUNS; i++)
    g_free (run_ids[i]);
  rb_test_server_clear (&s);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-load/mixed", test_load);

  return g_test_run ();
}
