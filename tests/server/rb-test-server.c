/* rb-test-server.c — start the real runboard-server for a test and talk
 * raw HTTP/1.1 to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "rb-test-runs.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

static const char tiny_flow_yaml[] =
  "schemaVersion: 1\n"
  "generator: runboard\n"
  "mode: simulation\n"
  "metadata:\n"
  "  id: tiny-flow\n"
  "  title: Tiny flow\n"
  "  version: 1.0.0\n"
  "  description: One service node for the server tests.\n"
  "  tags: [test]\n"
  "  captureKey: tiny-key\n"
  "window:\n"
  "  start: 2026-01-01T00:00:00Z\n"
  "parameters:\n"
  "  - name: rate\n"
  "    type: integer\n"
  "    title: Arrivals per bin\n"
  "    default: 10\n"
  "    minimum: 1\n"
  "    maximum: 1000\n"
  "grid:\n"
  "  bins: 6\n"
  "  binSize: 1\n"
  "  binUnit: hours\n"
  "topology:\n"
  "  nodes:\n"
  "    - id: Desk\n"
  "      kind: service\n"
  "      semantics:\n"
  "        arrivals: arrivals\n"
  "        served: served\n"
  "        capacity: capacity\n"
  "  edges: []\n"
  "nodes:\n"
  "  - id: arrivals\n"
  "    kind: expr\n"
  "    expr: \"${rate} + 0 * capacity\"\n"
  "  - id: capacity\n"
  "    kind: const\n"
  "    values: [8, 8, 8, 8, 8, 8]\n"
  "  - id: served\n"
  "    kind: expr\n"
  "    expr: \"MIN(arrivals, capacity)\"\n"
  "outputs:\n"
  "  - series: arrivals\n"
  "  - series: served\n";

void
rb_test_server_init_data (RbTestServer *s)
{
  g_autofree char *flow = NULL;

  memset (s, 0, sizeof *s);
  s->tmp = rb_test_runs_make_data_dir (&s->data_dir);
  s->log_path = g_build_filename (s->tmp, "server.log", NULL);
  flow = g_build_filename (s->data_dir, "templates", "tiny-flow.yaml", NULL);
  rb_test_write_file (flow, tiny_flow_yaml, -1);
}

gboolean
rb_test_server_start (RbTestServer        *s,
                      const char * const  *extra,
                      int                 *status)
{
  s->server = rb_test_server_proc_start (s->data_dir, s->log_path, extra, status);
  if (s->server == NULL)
    return FALSE;
  s->proc = rb_test_server_proc_get_subprocess (s->server);
  s->pid = rb_test_server_proc_get_pid (s->server);
  s->port = rb_test_server_proc_get_port (s->server);
  return TRUE;
}

void
rb_test_server_clear (RbTestServer *s)
{
  g_clear_pointer (&s->server, rb_test_server_proc_stop);
  s->proc = NULL;
  if (s->tmp != NULL)
    rb_test_remove_tree (s->tmp);
  g_clear_pointer (&s->tmp, g_free);
  g_clear_pointer (&s->data_dir, g_free);
  g_clear_pointer (&s->log_path, g_free);
}

guint
rb_test_server_http (guint16      port,
                     const char  *method,
                     const char  *path,
                     const char  *headers,
                     const char  *body,
                     char       **head,
                     char       **out,
                     GError     **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autofree char *text = NULL;
  const char *sep;
  const char *length;
  guint8 buffer[16384];
  gssize n;
  guint status;

  g_socket_client_set_timeout (client, 60);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, error);
  if (conn == NULL)
    return 0;
  g_string_append_printf (request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n%s",
                          method, path, port, headers != NULL ? headers : "");
  if (body != NULL)
    g_string_append_printf (request, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                            strlen (body));
  g_string_append (request, "\r\n");
  if (body != NULL)
    g_string_append (request, body);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                  request->str, request->len, NULL, NULL, error))
    return 0;
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                                   buffer, sizeof buffer, NULL, error)) > 0)
    g_byte_array_append (response, buffer, n);
  if (n < 0)
    return 0;
  if (response->len == 0)
    {
      /* g_strndup() of an empty GByteArray's NULL data would be NULL. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           "connection closed without a response");
      return 0;
    }

  text = g_strndup ((const char *) response->data, response->len);
  sep = strstr (text, "\r\n\r\n");
  if (!g_str_has_prefix (text, "HTTP/1.1 ") || sep == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not an HTTP/1.1 response (%u bytes)", response->len);
      return 0;
    }
  status = (guint) g_ascii_strtoull (text + strlen ("HTTP/1.1 "), NULL, 10);
  length = g_strstr_len (text, sep - text, "Content-Length: ");
  if (length != NULL &&
      g_ascii_strtoull (length + strlen ("Content-Length: "), NULL, 10) != strlen (sep + 4))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   "body of %zu bytes, not its Content-Length", strlen (sep + 4));
      return 0;
    }
  if (head != NULL)
    *head = g_strndup (text, sep + 2 - text);
  if (out != NULL)
    *out = g_strdup (sep + 4);
  return status;
}

guint
rb_test_server_count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

guint64
rb_test_server_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

char *
rb_test_server_create_tiny_run (guint16     port,
                                const char *auth_headers,
                                guint       rate)
{
  g_autofree char *request = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  request = g_strdup_printf ("{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                             "\"parameters\": {\"rate\": %u}, "
                             "\"options\": {\"deterministicRunId\": true}}", rate);
  status = rb_test_server_http (port, "POST", "/v1/runs", auth_headers, request, NULL, &body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  node = json_from_string (body, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "runId"));
}
