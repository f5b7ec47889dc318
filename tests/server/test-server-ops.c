/* test-server-ops.c — operating the real runboard-server: --token-file
 * bearer auth and SIGTERM draining requests in flight
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define TOKEN "s3cret-Token_42"
#define AUTH "Authorization: Bearer " TOKEN "\r\n"

static void
assert_unauthorized (const char *head,
                     const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (body, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (head, "\r\nWWW-Authenticate: Bearer\r\n"));
  g_assert_nonnull (strstr (head, "\r\nConnection: close\r\n"));
  g_assert_nonnull (strstr (head, "\r\nContent-Type: application/json\r\n"));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "unauthorized");
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==,
                   "This server needs a valid token: send it as “Authorization: Bearer <token>”.");
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
}

static void
start_with_token_file (RbTestServer *s,
                       const char   *contents)
{
  g_autofree char *token_file = NULL;
  g_autofree char *arg = NULL;

  rb_test_server_init_data (s);
  token_file = g_build_filename (s->tmp, "token", NULL);
  rb_test_write_file (token_file, contents, -1);
  arg = g_strconcat ("--token-file=", token_file, NULL);
  {
    const char *extra[] = { arg, NULL };

    g_assert_true (rb_test_server_start (s, extra, NULL));
  }
}

static void
test_auth (void)
{
  RbTestServer s;
  struct { const char *headers; const char *what; } bad[] = {
    { NULL, "no Authorization header" },
    { "Authorization: Bearer wrong-token\r\n", "wrong token" },
    { "Authorization: Bearer " TOKEN "x\r\n", "longer token" },
    { "Authorization: Bearer s3cret\r\n", "prefix of the token" },
    { "Authorization: Bearer \r\n", "empty token" },
    { "Authorization: Basic " TOKEN "\r\n", "Basic scheme" },
    { "Authorization: " TOKEN "\r\n", "no scheme" },
    { "Authorization: Bearer" TOKEN "\r\n", "no space after the scheme" },
  };
  const char *paths[] = { "/v1/healthz", "/v1/runs", "/v1/templates", "/v1/telemetry/captures" };

  /* surrounding whitespace of the file is not part of the token */
  start_with_token_file (&s, "\n  " TOKEN " \t\n\n");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *head = NULL;
        g_autofree char *body = NULL;
        guint status;

        g_test_message ("%s: GET %s", bad[i].what, paths[p]);
        status = rb_test_server_http (s.port, "GET", paths[p], bad[i].headers, NULL, &head, &body, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (status, ==, 401);
        assert_unauthorized (head, body);
      }

  /* a POST without the token is refused before its body matters */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL;
    g_autofree char *body = NULL;
    guint status = rb_test_server_http (s.port, "POST", "/v1/runs", NULL,
                                        "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\"}",
                                        &head, &body, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 401);
    assert_unauthorized (head, body);
  }

  /* the right token, with the scheme in any case */
  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *head = NULL;
      g_autofree char *body = NULL;
      guint status = rb_test_server_http (s.port, "GET", paths[p],
                                          p % 2 ? AUTH : "Authorization: bearer " TOKEN "\r\n",
                                          NULL, &head, &body, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
      g_assert_null (strstr (head, "WWW-Authenticate"));
    }
  {
    g_autofree char *run_id = rb_test_server_create_tiny_run (s.port, AUTH, 11);

    g_assert_nonnull (run_id);
  }
  {
    g_autofree char *log = rb_test_read_file (s.log_path, NULL);

    g_assert_true (g_regex_match_simple ("^GET /v1/healthz 401 [0-9]+ ms$", log, G_REGEX_MULTILINE, 0));
    g_assert_true (g_regex_match_simple ("^POST /v1/runs 401 [0-9]+ ms$", log, G_REGEX_MULTILINE, 0));
    g_assert_null (strstr (log, TOKEN));
  }
  rb_test_server_clear (&s);
}

/* Missing, empty or whitespace-only token files stop the server at start
 * with exit status 2 and a message naming the file as given. */
static void
test_auth_bad_token_file (void)
{
  struct { const char *contents; const char *message; } cases[] = {
    { NULL, "runboard-server: The token file token.txt cannot be read: it does not exist.\n" },
    { "", "runboard-server: The token file token.txt is empty; it must hold the token.\n" },
    { " \n\t \n", "runboard-server: The token file token.txt is empty; it must hold the token.\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tmp = rb_test_make_temp_dir ();
      g_autofree char *path = g_build_filename (tmp, "token.txt", NULL);
      g_autofree char *data = g_build_filename (tmp, "data", NULL);
      g_autofree char *err = NULL;
      g_autofree char *cwd = g_get_current_dir ();
      const char *argv[] = { rb_test_server_path (), "--listen", "127.0.0.1:0",
                             "--data-dir", data, "--token-file", "token.txt", NULL };

      if (cases[i].contents != NULL)
        rb_test_write_file (path, cases[i].contents, -1);
      g_assert_cmpint (g_chdir (tmp), ==, 0);
      g_assert_cmpint (rb_test_spawn (argv, NULL, NULL, &err), ==, 2);
      g_assert_cmpint (g_chdir (cwd), ==, 0);
      g_assert_cmpstr (err, ==, cases[i].message);
      rb_test_remove_tree (tmp);
    }
}

/*
 * SIGTERM drains
 */

typedef struct
{
  guint16  port;
  char    *request;
  guint    status;   /* atomic */
  char    *body;
  GError  *error;
} Held;

static gpointer
held_thread (gpointer data)
{
  Held *h = data;
  guint status;

  status = rb_test_server_http (h->port, "POST", "/v1/telemetry/captures", NULL,
                                h->request, NULL, &h->body, &h->error);
  g_atomic_int_set (&h->status, status == 0 ? 1 : status);
  return NULL;
}

static gboolean
log_has (RbTestServer *s,
         const char   *text)
{
  g_autofree char *log = rb_test_read_file (s->log_path, NULL);

  return strstr (log, text) != NULL;
}

static void
test_sigterm_drains (void)
{
  RbTestServer s;
  g_autofree char *run_id = NULL;
  g_autofree char *lock_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *log = NULL;
  JsonObject *capture;
  Held held = { 0 };
  GThread *thread;
  int fd;

  rb_test_server_init_data (&s);
  g_assert_true (rb_test_server_start (&s, NULL, NULL));
  run_id = rb_test_server_create_tiny_run (s.port, NULL, 12);

  /* hold the target's lock: the generation waits on it, in flight */
  lock_path = g_build_filename (s.data_dir, "telemetry", ".tiny-key.lock", NULL);
  {
    g_autofree char *telemetry = g_path_get_dirname (lock_path);

    g_assert_cmpint (g_mkdir_with_parents (telemetry, 0755), ==, 0);
  }
  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  held.port = s.port;
  held.request = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}}", run_id);
  thread = g_thread_new ("held", held_thread, &held);
  g_usleep (500 * 1000);
  g_assert_cmpuint (g_atomic_int_get (&held.status), ==, 0);

  g_subprocess_send_signal (s.proc, SIGTERM);
  for (guint i = 0; i < 100 && !log_has (&s, "Stopping:"); i++)
    g_usleep (20 * 1000);
  g_assert_true (log_has (&s, "Stopping: no longer accepting connections; 1 request(s) in flight.\n"));

  /* no new connection is accepted, and the server is still there */
  {
    g_autoptr(GError) connect_error = NULL;
    guint status = rb_test_server_http (s.port, "GET", "/v1/healthz", NULL, NULL, NULL, NULL, &connect_error);

    g_assert_cmpuint (status, ==, 0);
    g_assert_error (connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  }
  g_usleep (300 * 1000);
  g_assert_cmpuint (g_atomic_int_get (&held.status), ==, 0);
  g_assert_cmpint (kill (s.pid, 0), ==, 0);
  g_assert_false (log_has (&s, "Stopped."));

  /* released: the request in flight gets its whole answer, then exit 0 */
  flock (fd, LOCK_UN);
  close (fd);
  g_thread_join (thread);
  g_assert_no_error (held.error);
  g_assert_cmpuint (held.status, ==, 200);
  node = json_from_string (held.body, &error);
  g_assert_no_error (error);
  capture = json_object_get_object_member (json_node_get_object (node), "capture");
  g_assert_true (json_object_get_boolean_member (capture, "generated"));
  g_assert_cmpstr (json_object_get_string_member (capture, "captureKey"), ==, "tiny-key");
  g_assert_cmpstr (json_object_get_string_member (capture, "sourceRunId"), ==, run_id);

  g_subprocess_wait (s.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (s.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (s.proc), ==, 0);
  log = rb_test_read_file (s.log_path, NULL);
  g_assert_true (g_regex_match_simple ("^POST /v1/telemetry/captures 200 [0-9]+ ms$", log, G_REGEX_MULTILINE, 0));
  g_assert_true (g_str_has_suffix (log, "Stopped.\n"));

  g_free (held.request);
  g_free (held.body);
  rb_test_server_clear (&s);
}

/* Listing bodies are cached between requests: a run created through the
 * API or a run folder copied in by hand shows up on the next request. */
static gint64
total_count (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (rb_test_server_http (port, "GET", "/v1/runs?pageSize=50", NULL, NULL, NULL, &body, &error), ==, 200);
  node = json_from_string (body, &error);
  g_assert_no_error (error);
  return json_object_get_int_member (json_node_get_object (node), "totalCount");
}

static void
test_list_cache (void)
{
  RbTestServer s;
  g_autofree char *run_id = NULL;
  g_autofree char *src = NULL;
  g_autofree char *copy = NULL;
  gint64 n;

  rb_test_server_init_data (&s);
  g_assert_true (rb_test_server_start (&s, NULL, NULL));
  n = total_count (s.port);
  g_assert_cmpint (total_count (s.port), ==, n);
  run_id = rb_test_server_create_tiny_run (s.port, NULL, 14);
  g_assert_cmpint (total_count (s.port), ==, n + 1);
  src = g_build_filename (s.data_dir, "runs", run_id, NULL);
  copy = g_build_filename (s.data_dir, "runs", "run_20260201T000000Z_copy0001", NULL);
  rb_test_copy_tree (src, copy);
  g_assert_cmpint (total_count (s.port), ==, n + 2);
  rb_test_server_clear (&s);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-ops/auth", test_auth);
  g_test_add_func ("/server-ops/auth/bad-token-file", test_auth_bad_token_file);
  g_test_add_func ("/server-ops/sigterm-drains", test_sigterm_drains);
  g_test_add_func ("/server-ops/list-cache", test_list_cache);

  return g_test_run ();
}
